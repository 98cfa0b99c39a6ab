//! The window driven as a person drives it (egui_kittest: click, type, read
//! labels), against a real mosquitto on loopback.

mod support;

use std::process::{Command as Process, Stdio};
use std::time::Duration;

use egui::{Key, Modifiers, Role};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use mqscope::app::{MqscopeApp, Settings};
use mqscope::profiles::{MemorySecretStore, ProfileStore};
use support::mosquitto::{Mosquitto, start_with_clients};
use support::window::{has_label_containing, wait_until};

/// The app as it opens after HiveMQ's public broker was used last (a first
/// run opens on the built-in broker instead; `tests/lab_window.rs` covers it).
fn app(dir: &std::path::Path) -> MqscopeApp {
    let settings = Settings {
        last_profile: Some("preset-hivemq-tcp".to_owned()),
        ..Settings::default()
    };
    MqscopeApp::with_store(
        Ok((ProfileStore::new(dir, Vec::new()), None)),
        Box::new(MemorySecretStore::new()),
        settings,
    )
}

fn harness(dir: std::path::PathBuf) -> Harness<'static, MqscopeApp> {
    Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_eframe(move |_cc| app(&dir))
}

/// Replace the text of the text field labelled `label`.
fn set_text(harness: &mut Harness<'_, MqscopeApp>, label: &str, text: &str) {
    if harness
        .query_by_role_and_label(Role::TextInput, label)
        .is_none()
    {
        let inputs: Vec<String> = harness
            .get_all_by_role(Role::TextInput)
            .map(|n| {
                format!(
                    "{:?} {:?}",
                    n.accesskit_node().label(),
                    n.accesskit_node().value()
                )
            })
            .collect();
        let all: Vec<String> = harness
            .root()
            .children_recursive()
            .filter_map(|n| {
                n.accesskit_node()
                    .label()
                    .map(|l| format!("{:?}:{l}", n.accesskit_node().role()))
            })
            .collect();
        panic!("no text field labelled {label:?}; text fields: {inputs:#?}; labels: {all:?}");
    }
    harness
        .get_by_role_and_label(Role::TextInput, label)
        .focus();
    harness.step();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.step();
    harness
        .get_by_role_and_label(Role::TextInput, label)
        .type_text(text);
    harness.step();
    harness.step();
}

/// Pick the preset for this computer in the Start from list.
fn choose_this_computer(harness: &mut Harness<'_, MqscopeApp>) {
    let combo = harness
        .get_all_by_role(Role::ComboBox)
        .find(|node| {
            node.value()
                .is_some_and(|v| v.contains("HiveMQ public broker"))
        })
        .expect("the Start from list");
    combo.click_accesskit();
    harness.run_steps(2);
    harness
        .get_by_label("A broker already on this computer (localhost:1883)")
        .click_accesskit();
    harness.run_steps(2);
}

/// Press Connect and wait until the status line says so.
fn connect(harness: &mut Harness<'_, MqscopeApp>) {
    harness
        .get_all_by_label("Connect")
        .next()
        .expect("Connect")
        .click_accesskit();
    wait_until(harness, "Connected", |h| {
        has_label_containing(h, "Connected ·")
    });
}

#[test]
#[cfg_attr(
    not(mosquitto_installed),
    ignore = "needs mosquitto and its clients: apt-get install mosquitto mosquitto-clients"
)]
fn a_student_connects_watches_publishes_and_inspects() {
    let test = "window";
    let dir = Mosquitto::new_dir(test);
    let Some(broker) = start_with_clients(test) else {
        return;
    };
    let port = broker.port.to_string();
    let mut harness = harness(dir.clone());
    harness.run_steps(3);

    choose_this_computer(&mut harness);
    assert_eq!(
        harness
            .get_by_role_and_label(Role::TextInput, "Host")
            .value()
            .as_deref(),
        Some("localhost"),
        "the preset filled in the host"
    );

    // An impossible port is refused at its field, before Connect.
    set_text(&mut harness, "Host", "127.0.0.1");
    set_text(&mut harness, "Port", "70000");
    assert!(
        has_label_containing(&harness, "70000"),
        "the port field explains what is wrong"
    );
    assert!(has_label_containing(
        &harness,
        "Fix the fields marked in red"
    ));
    set_text(&mut harness, "Port", &port);
    assert!(!has_label_containing(
        &harness,
        "Fix the fields marked in red"
    ));

    // Record packets, then connect.
    harness.get_by_label("Packets").click_accesskit();
    harness.run_steps(2);
    harness.get_by_label("Record packets").click_accesskit();
    harness.run_steps(2);
    connect(&mut harness);

    // Subscribe to lab/#.
    harness.get_by_label("Subscriptions").click_accesskit();
    harness.run_steps(2);
    set_text(&mut harness, "Topic filter", "lab/#");
    harness.get_by_label("Subscribe").click_accesskit();
    wait_until(&mut harness, "SUBACK", |h| {
        has_label_containing(h, "granted QoS 0")
    });

    // Another client publishes with a user property; it appears in the tree
    // and, selected, in the details with its user property.
    let out = Process::new("mosquitto_pub")
        .args(["-p", &port, "-V", "5", "-t", "lab/bench/t1", "-m", "21.5"])
        .args(["-D", "publish", "user-property", "site", "lab-A"])
        .output()
        .expect("mosquitto_pub");
    assert!(out.status.success());
    wait_until(&mut harness, "the topic in the tree", |h| {
        h.query_by_role_and_label(Role::TreeItem, "lab").is_some()
    });
    // The only top level opens by itself, so "bench" is already in view.
    wait_until(&mut harness, "the lone top level opened", |h| {
        h.query_by_role_and_label(Role::TreeItem, "bench").is_some()
    });
    harness
        .get_by_role_and_label(Role::TreeItem, "bench")
        .click_accesskit();
    harness.run_steps(3);
    harness
        .get_by_role_and_label(Role::TreeItem, "t1")
        .click_accesskit();
    harness.run_steps(3);
    assert!(has_label_containing(&harness, "lab/bench/t1"));
    assert!(
        harness.query_by_label("lab-A").is_some(),
        "the user property value"
    );
    assert!(
        harness.query_by_label("site").is_some(),
        "the user property name"
    );

    // Publish from the window; an independent client receives it.
    let receiver = Process::new("mosquitto_sub")
        .args([
            "-p",
            &port,
            "-V",
            "5",
            "-t",
            "lab/from-window",
            "-C",
            "1",
            "-W",
            "10",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .expect("mosquitto_sub");
    std::thread::sleep(Duration::from_millis(300));
    harness.get_by_label("Publish").click_accesskit();
    harness.run_steps(2);
    set_text(&mut harness, "Topic", "lab/from-window");
    // The tab selector comes first; the form's button last.
    harness
        .get_all_by_role_and_label(Role::Button, "Publish")
        .last()
        .expect("the Publish button")
        .click_accesskit();
    harness.run_steps(3);
    let received = receiver.wait_with_output().expect("mosquitto_sub output");
    assert_eq!(
        String::from_utf8_lossy(&received.stdout).trim(),
        "Hello from mqscope"
    );

    // Copy as command: the same message as a mosquitto_pub line.
    harness.get_by_label("Copy as command").click();
    harness.run_steps(2);
    harness.get_by_label("mosquitto_pub").click();
    harness.step();
    let copied: Vec<String> = harness
        .output()
        .platform_output
        .commands
        .iter()
        .filter_map(|c| match c {
            egui::OutputCommand::CopyText(text) => Some(text.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        copied,
        [format!(
            "mosquitto_pub -h 127.0.0.1 -p {port} -V 5 -t lab/from-window -q 0 -m 'Hello from mqscope'"
        )]
    );

    // A timer: 5 messages 0.1 s apart, the counter placeholder 1…5.
    let counted = Process::new("mosquitto_sub")
        .args([
            "-p",
            &port,
            "-V",
            "5",
            "-t",
            "lab/timed",
            "-C",
            "5",
            "-W",
            "15",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .expect("mosquitto_sub");
    std::thread::sleep(Duration::from_millis(300));
    set_text(&mut harness, "Topic", "lab/timed");
    {
        let app = harness.state_mut();
        let tab = &mut app.tabs[app.active];
        tab.publish.payload = "n={{counter}}".to_owned();
    }
    set_text(&mut harness, "Every", "0.1");
    set_text(&mut harness, "times", "5");
    harness.get_by_label("Start timer").click_accesskit();
    harness.run_steps(2);
    assert!(has_label_containing(&harness, "lab/timed every 0.1 s:"));
    let until = std::time::Instant::now() + Duration::from_secs(10);
    while harness.state().tabs[harness.state().active].timers.len() == 1
        && std::time::Instant::now() < until
    {
        harness.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        harness.state().tabs[harness.state().active]
            .timers
            .is_empty(),
        "the timer ends after its 5 messages"
    );
    harness.run_steps(3);
    let received = counted.wait_with_output().expect("mosquitto_sub output");
    assert_eq!(
        String::from_utf8_lossy(&received.stdout)
            .lines()
            .collect::<Vec<_>>(),
        ["n=1", "n=2", "n=3", "n=4", "n=5"]
    );

    // The packet inspector: find the CONNECT and its Keep Alive field and bytes.
    harness.get_by_label("Packets").click_accesskit();
    harness.run_steps(2);
    // The list follows the newest packets; show only CONNECT to find it.
    harness
        .get_by_role_and_label(Role::ComboBox, "Show")
        .click_accesskit();
    harness.run_steps(2);
    harness.get_by_label("CONNECT").click_accesskit();
    harness.run_steps(2);
    harness.get_by_label_contains("CONNECT ").click_accesskit();
    harness.run_steps(3);
    assert!(
        harness.query_by_label("Keep Alive").is_some(),
        "the Keep Alive field"
    );
    assert!(harness.query_by_label("10–11").is_some(), "its byte range");
    assert!(harness.query_by_label("Protocol Name").is_some());

    // Disconnect is one click and says so.
    harness.get_by_label("Disconnect").click_accesskit();
    wait_until(&mut harness, "disconnected", |h| {
        has_label_containing(h, "Disconnected at your request")
    });
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
#[cfg_attr(
    not(mosquitto_installed),
    ignore = "needs mosquitto and its clients: apt-get install mosquitto mosquitto-clients"
)]
fn a_saved_message_outlives_a_restart_and_is_sent_from_the_library() {
    let test = "window-library";
    let dir = Mosquitto::new_dir(test);
    let Some(broker) = start_with_clients(test) else {
        return;
    };
    let port = broker.port.to_string();
    let open = |dir: &std::path::Path| {
        let mut harness = harness(dir.to_path_buf());
        harness.run_steps(3);
        choose_this_computer(&mut harness);
        set_text(&mut harness, "Host", "127.0.0.1");
        set_text(&mut harness, "Port", &port);
        connect(&mut harness);
        harness.get_by_label("Publish").click_accesskit();
        harness.run_steps(2);
        harness
    };

    // Keep a QoS 1 message with a user property under a name.
    let mut harness = open(&dir);
    assert!(has_label_containing(&harness, "No saved messages yet"));
    set_text(&mut harness, "Topic", "lab/lamp/set");
    {
        let app = harness.state_mut();
        let tab = &mut app.tabs[app.active];
        tab.publish.payload = "on".to_owned();
        tab.publish.qos = 1;
        tab.publish.user_properties = vec![mqscope::profiles::UserProperty {
            name: "room".into(),
            value: "2".into(),
        }];
    }
    set_text(&mut harness, "Save as", "Lamp on");
    harness.get_by_label("Save to library").click_accesskit();
    harness.run_steps(2);
    assert!(
        harness.query_by_label("Lamp on").is_some(),
        "listed at once"
    );
    let file = dir.join(mqscope::profiles::LIBRARY_FILE_NAME);
    let until = std::time::Instant::now() + Duration::from_secs(10);
    while !std::fs::read_to_string(&file).is_ok_and(|t| t.contains("Lamp on"))
        && std::time::Instant::now() < until
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    drop(harness);

    // A new start: found by search, sent with one click.
    let mut harness = open(&dir);
    assert!(
        harness.query_by_label("Lamp on").is_some(),
        "kept across runs"
    );
    set_text(&mut harness, "Search", "heater");
    assert!(has_label_containing(&harness, "No saved message matches."));
    assert!(harness.query_by_label("Lamp on").is_none());
    set_text(&mut harness, "Search", "LAMP");
    assert!(harness.query_by_label("Lamp on").is_some());
    let receiver = Process::new("mosquitto_sub")
        .args([
            "-p",
            &port,
            "-V",
            "5",
            "-t",
            "lab/lamp/set",
            "-q",
            "1",
            "-C",
            "1",
        ])
        .args(["-W", "10", "-F", "%q %t %p"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("mosquitto_sub");
    std::thread::sleep(Duration::from_millis(300));
    harness.get_by_label("Send").click_accesskit();
    harness.run_steps(3);
    let received = receiver.wait_with_output().expect("mosquitto_sub output");
    assert_eq!(
        String::from_utf8_lossy(&received.stdout).trim(),
        "1 lab/lamp/set on"
    );
    // Load puts it in the form, its properties too.
    harness.get_by_label("Load").click_accesskit();
    harness.run_steps(2);
    assert_eq!(
        harness
            .get_by_role_and_label(Role::TextInput, "Topic")
            .value()
            .as_deref(),
        Some("lab/lamp/set")
    );
    let form = &harness.state().tabs[harness.state().active].publish;
    assert_eq!((form.payload.as_str(), form.qos), ("on", 1));
    assert_eq!(form.user_properties[0].name, "room");
    // Delete asks once more, then the message is gone, from the file too.
    harness.get_by_label("Delete").click_accesskit();
    harness.run_steps(2);
    harness.get_by_label("Yes, delete").click_accesskit();
    harness.run_steps(2);
    assert!(harness.query_by_label("Lamp on").is_none());
    let until = std::time::Instant::now() + Duration::from_secs(10);
    while std::fs::read_to_string(&file).is_ok_and(|t| t.contains("Lamp on"))
        && std::time::Instant::now() < until
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(!std::fs::read_to_string(&file).unwrap().contains("Lamp on"));
    drop(harness);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn connections_are_imported_beside_saved_ones_and_exported_again() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness(dir.path().to_path_buf());
    harness.run_steps(3);
    harness.get_by_label("Connection").click_accesskit();
    harness.run_steps(2);
    // A saved profile whose name the import also has.
    set_text(&mut harness, "Name", "Lab broker (TLS)");
    harness.get_by_label("Save").click_accesskit();
    harness.run_steps(2);

    // An MQTTX export: its connections join, the clash side by side, and
    // the window says what did not carry over.
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/mqttx-connections.json");
    harness
        .state_mut()
        .handle(mqscope::ui::Action::ImportProfiles(Some(fixture)));
    wait_until(&mut harness, "the import's notice", |h| {
        has_label_containing(h, "Imported 3 connections from MQTTX")
    });
    assert!(has_label_containing(
        &harness,
        "Not carried over for Lab broker (TLS) (imported): properties.authenticationMethod"
    ));
    let combo = harness
        .get_all_by_role(Role::ComboBox)
        .find(|node| node.value().is_some_and(|v| v.contains("Lab broker (TLS)")))
        .expect("the Start from list");
    combo.click_accesskit();
    harness.run_steps(2);
    assert!(
        harness
            .query_by_label("Lab broker (TLS) (imported)")
            .is_some()
    );
    assert!(harness.query_by_label("HiveMQ over WebSocket").is_some());
    harness.key_press(Key::Escape);
    harness.run_steps(2);
    let saved = ProfileStore::load(dir.path()).profiles;
    let names: Vec<&str> = saved.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Lab broker (TLS)",
            "Lab broker (TLS) (imported)",
            "HiveMQ over WebSocket",
            "Old broker"
        ]
    );
    assert!(
        saved.iter().all(|p| p.password.is_none()),
        "the imported password went to the keyring, not the file"
    );

    // A damaged file changes nothing.
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "[{\"name\": \"x\", \"port\": true}]").unwrap();
    harness
        .state_mut()
        .handle(mqscope::ui::Action::ImportProfiles(Some(broken)));
    wait_until(&mut harness, "the refusal", |h| {
        has_label_containing(
            h,
            "was not imported: in \"x\", \"port\" is not a whole number",
        )
    });
    assert_eq!(ProfileStore::load(dir.path()).profiles, saved);

    // Export: the window lists the saved connections, all chosen.
    harness
        .get_by_label("Export connections…")
        .click_accesskit();
    // A new window's first frame only measures it.
    harness.run_steps(4);
    let exports: Vec<String> = harness
        .query_all_by_label_contains("xport")
        .map(|n| format!("{:?}", n.accesskit_node().label()))
        .collect();
    assert!(
        harness.query_by_label("Export 4 connections…").is_some(),
        "{exports:?}"
    );
    harness.get_by_label("Old broker").click_accesskit();
    harness.run_steps(2);
    assert!(harness.query_by_label("Export 3 connections…").is_some());
    let file = dir.path().join("export.toml");
    let chosen: Vec<_> = saved.iter().take(3).cloned().collect();
    harness
        .state_mut()
        .handle(mqscope::ui::Action::ExportProfiles {
            profiles: chosen,
            with_passwords: false,
            path: Some(file.clone()),
        });
    wait_until(&mut harness, "the export's notice", |h| {
        has_label_containing(h, "3 connections were exported to")
    });
    let back = mqscope::profiles::read_import(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(back.profiles, saved[..3]);
}

/// A broker that accepts the connection and refuses every subscription to
/// `#`, the way public brokers often do.
fn refusing_broker() -> u16 {
    use mqscope::proto::{
        ConnAck, Decoder, Packet, Properties, Property, ProtocolVersion, ReasonCode, SubAck,
    };
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        let Ok((mut stream, _)) = listener.accept() else {
            return;
        };
        let mut decoder = Decoder::new(ProtocolVersion::V5, None);
        let mut buf = [0u8; 4096];
        loop {
            let Ok(n) = stream.read(&mut buf) else { return };
            if n == 0 {
                return;
            }
            decoder.feed(&buf[..n]);
            while let Ok(Some(packet)) = decoder.next_packet() {
                let answer = match packet {
                    Packet::Connect(_) => Packet::ConnAck(ConnAck::new(false, ReasonCode::Success)),
                    Packet::Subscribe(s) => Packet::SubAck(SubAck {
                        packet_id: s.packet_id,
                        properties: Properties::new().with(Property::ReasonString(
                            "subscribing to # is not allowed here".into(),
                        )),
                        reason_codes: s
                            .filters
                            .iter()
                            .map(|_| ReasonCode::NotAuthorized)
                            .collect(),
                    }),
                    Packet::PingReq => Packet::PingResp,
                    _ => continue,
                };
                let bytes = answer.to_bytes(ProtocolVersion::V5).expect("encode");
                if stream.write_all(&bytes).is_err() {
                    return;
                }
            }
        }
    });
    port
}

#[test]
fn a_refused_subscription_is_shown_with_its_reason_in_plain_words() {
    let dir = Mosquitto::new_dir("refused");
    let port = refusing_broker();
    let mut harness = harness(dir.clone());
    harness.run_steps(3);
    set_text(&mut harness, "Host", "127.0.0.1");
    set_text(&mut harness, "Port", &port.to_string());
    connect(&mut harness);
    // The HiveMQ preset subscribes to # on connect; this broker refuses it.
    wait_until(&mut harness, "the refusal", |h| {
        has_label_containing(h, "0x87 Not authorized")
    });
    assert!(
        has_label_containing(&harness, "does not allow this client"),
        "the reason in plain words"
    );
    assert!(
        has_label_containing(&harness, "subscribing to # is not allowed here"),
        "the broker's own words"
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// The memory budget chosen in the settings is what each tab holds to, and
/// the stats line shows the bytes held against it; a share of the window's
/// budget when that is smaller.
#[test]
fn the_stats_line_shows_the_bytes_held_against_the_budget() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_owned();
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_eframe(move |_cc| {
            let settings = Settings {
                last_profile: Some("preset-hivemq-tcp".to_owned()),
                connection_budget_mib: 48,
                app_budget_mib: 1024,
                ..Settings::default()
            };
            MqscopeApp::with_store(
                Ok((ProfileStore::new(&path, Vec::new()), None)),
                Box::new(MemorySecretStore::new()),
                settings,
            )
        });
    harness.run_steps(3);
    assert!(
        has_label_containing(&harness, "of 48.0 MB held"),
        "the stats line names the budget"
    );
    // The Messages tab shows both budgets, each with its label.
    harness.get_by_label("Messages").click_accesskit();
    harness.run_steps(2);
    assert!(harness.query_by_label("Memory: each connection").is_some());
    assert!(harness.query_by_label("all tabs").is_some());
}

/// Answers one client on `listener` as a broker would: CONNACK, SUBACKs,
/// `burst` messages on `lab/t` after the first SUBSCRIBE, and PINGRESPs.
/// Returns when the client goes, or after `hold` has passed (dropping the
/// connection, as a broker that went away would).
fn serve_one(listener: &std::net::TcpListener, burst: u32, hold: Duration) {
    use mqscope::proto::{
        ConnAck, Decoder, Packet, Properties, ProtocolVersion, Publish, ReasonCode, SubAck,
    };
    use std::io::{Read, Write};
    let Ok((mut stream, _)) = listener.accept() else {
        return;
    };
    let until = std::time::Instant::now() + hold;
    stream
        .set_read_timeout(Some(Duration::from_millis(50)))
        .expect("timeout");
    let mut decoder = Decoder::new(ProtocolVersion::V5, None);
    let mut buf = [0u8; 4096];
    while std::time::Instant::now() < until {
        match stream.read(&mut buf) {
            Ok(0) => return,
            Ok(n) => decoder.feed(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => continue,
            Err(_) => return,
        }
        while let Ok(Some(packet)) = decoder.next_packet() {
            let mut answers = Vec::new();
            match packet {
                Packet::Connect(_) => {
                    answers.push(Packet::ConnAck(ConnAck::new(false, ReasonCode::Success)))
                }
                Packet::Subscribe(s) => {
                    answers.push(Packet::SubAck(SubAck {
                        packet_id: s.packet_id,
                        properties: Properties::new(),
                        reason_codes: s.filters.iter().map(|_| ReasonCode::Success).collect(),
                    }));
                    for i in 0..burst {
                        answers.push(Packet::Publish(Publish::new(
                            "lab/t",
                            format!("{i}").into_bytes(),
                        )));
                    }
                }
                Packet::PingReq => answers.push(Packet::PingResp),
                _ => {}
            }
            for answer in answers {
                let bytes = answer.to_bytes(ProtocolVersion::V5).expect("encode");
                if stream.write_all(&bytes).is_err() {
                    return;
                }
            }
        }
    }
}

/// The message rate the stats line shows (it starts the line).
fn rate_shown(harness: &Harness<'_, MqscopeApp>) -> u64 {
    let node = harness.get_by_label_contains(" msg/s");
    let node = node.accesskit_node();
    let line = node.label().or(node.value()).unwrap_or_default();
    let figure = line.split(" msg/s").next().unwrap_or_default();
    figure
        .parse()
        .unwrap_or_else(|_| panic!("no rate in {line:?}"))
}

/// A first attempt finds no broker: the window says so. When a retry gets
/// through, that notice goes. The figures stay true with no input
/// arriving: the window asks to be drawn again within a second, and a
/// second after the last message the rate reads 0. When the broker goes
/// away, the window says the connection was lost; when it is back, that
/// goes too.
#[test]
fn notices_of_a_past_state_clear_themselves_and_the_rate_falls_to_zero_without_input() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_owned();
    let port = support::free_port();
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_eframe(move |_cc| {
            let mut app = app(&path);
            let tab = &mut app.tabs[0];
            tab.editor.profile.host = "127.0.0.1".to_owned();
            tab.editor.profile.port = port;
            tab.editor.port_text = port.to_string();
            tab.editor.profile.reconnect.initial_delay_ms = 200;
            tab.editor.profile.reconnect.max_delay_ms = 400;
            app
        });
    harness.run_steps(3);
    harness
        .get_all_by_label("Connect")
        .next()
        .expect("Connect")
        .click_accesskit();
    wait_until(&mut harness, "the refusal said", |h| {
        has_label_containing(h, "no broker is listening there")
    });
    // The broker starts; the first connection gets 40 messages, then the
    // broker goes away.
    let listener = std::net::TcpListener::bind(("127.0.0.1", port)).expect("bind");
    let first = std::thread::spawn(move || serve_one(&listener, 40, Duration::from_secs(3)));
    wait_until(&mut harness, "the burst counted", |h| rate_shown(h) > 0);
    assert!(has_label_containing(&harness, "Connected ·"));
    assert!(
        !has_label_containing(&harness, "no broker is listening there"),
        "the refusal is over, and so is its notice"
    );
    // No input from here on: the window is drawn only when it asks to be,
    // as eframe would, and it must ask within a second each time.
    let deadline = std::time::Instant::now() + Duration::from_secs(4);
    loop {
        let delay = harness.output().viewport_output[&egui::ViewportId::ROOT].repaint_delay;
        assert!(
            delay <= Duration::from_secs(1),
            "with no input the window would next be drawn in {delay:?}"
        );
        std::thread::sleep(delay.max(Duration::from_millis(10)));
        harness.step();
        if rate_shown(&harness) == 0 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the rate never fell to 0 without input"
        );
    }
    // The broker drops the connection and is gone: the retries are refused.
    first.join().expect("broker thread");
    wait_until(&mut harness, "the loss said", |h| {
        has_label_containing(h, "The connection was lost; trying again")
    });
    // It comes back on the same port, and a retry gets through.
    let listener = std::net::TcpListener::bind(("127.0.0.1", port)).expect("bind again");
    let second = std::thread::spawn(move || serve_one(&listener, 0, Duration::from_secs(20)));
    wait_until(&mut harness, "connected again", |h| {
        has_label_containing(h, "Connected ·")
    });
    assert!(
        !has_label_containing(&harness, "The connection was lost")
            && !has_label_containing(&harness, "no broker is listening there"),
        "no notice of the loss or the refusals remains"
    );
    harness
        .get_all_by_label("Disconnect")
        .next()
        .expect("Disconnect")
        .click_accesskit();
    harness.run_steps(5);
    second.join().expect("broker thread");
}

/// A recording opened in the window (as `mqscope lab.mqrec` opens it): its
/// topics fill the tree of a tab of its own, with the recorded times, and
/// the toolbar names the file and the broker it came from.
#[test]
fn a_recording_opens_in_a_tab_of_its_own_with_its_recorded_times() {
    use mqscope::proto::session::Direction;
    use mqscope::proto::{Packet, ProtocolVersion, Publish};
    use mqscope::record::{Header, Recorder, Scope};
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("yesterday.mqrec");
    let started = std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(1_764_756_000);
    let mut recorder = Recorder::create(
        &file,
        Header {
            mqscope_version: "test".into(),
            broker: "lab-pi:1883".into(),
            protocol_version: 5,
            started_at_micros: 1_764_756_000_000_000,
            scope: Scope::Messages,
        },
    )
    .unwrap();
    let status = recorder.status();
    for i in 0..30u64 {
        let publish = Publish::new(format!("lab/room-{}/temperature", i % 3), format!("{i}"));
        let bytes = Packet::Publish(publish)
            .to_bytes(ProtocolVersion::V5)
            .unwrap();
        let at = started + Duration::from_secs(i);
        recorder.offer(at, Direction::Received, &bytes, None);
    }
    drop(recorder);
    while status.state() == mqscope::record::WriterState::Running {
        std::thread::sleep(Duration::from_millis(5));
    }
    let path = dir.path().to_owned();
    let launch = file.display().to_string();
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_eframe(move |_cc| {
            let mut app = app(&path);
            app.launch(mqscope::app::Launch {
                connect: Some(launch),
                subscribe: Vec::new(),
                record_packets: false,
            });
            app
        });
    wait_until(&mut harness, "the recording's topics", |h| {
        has_label_containing(h, "room-2") && has_label_containing(h, "end of the recording")
    });
    assert!(
        has_label_containing(&harness, "0:29 / 0:29"),
        "the timeline at the end of its length"
    );
    assert!(has_label_containing(
        &harness,
        "yesterday.mqrec, recorded from lab-pi:1883"
    ));
    let app = harness.state();
    let tab = &app.tabs[app.active];
    assert!(tab.playback.is_some());
    assert_eq!(tab.model.received(), 30);
    let times: Vec<u64> = tab
        .model
        .topic_history(
            tab.model
                .tree
                .find("lab/room-2/temperature")
                .expect("the topic"),
        )
        .map(|m| m.received_at_micros)
        .collect();
    assert_eq!(times.len(), 10);
    assert!(
        times
            .iter()
            .all(|t| (1_764_756_000_000_000..1_764_756_030_000_000).contains(t)),
        "recorded times, not the time of opening: {times:?}"
    );

    // Looking at one topic, the person jumps back to 10 s in: the tab shows
    // the recording as it was then, and the same topic stays selected.
    {
        let app = harness.state_mut();
        let tab = &mut app.tabs[app.active];
        let topic = tab.model.tree.find("lab/room-2/temperature").unwrap();
        tab.tree.reveal(&tab.model.tree, topic);
    }
    harness
        .state_mut()
        .handle(mqscope::ui::Action::PlaybackSeek(Duration::from_secs(10)));
    wait_until(&mut harness, "the moment jumped to", |h| {
        h.query_all_by_label_contains("0:10 / 0:29")
            .next()
            .is_some()
            && h.state().tabs[h.state().active].model.received() == 11
    });
    let app = harness.state();
    let tab = &app.tabs[app.active];
    let selected = tab.tree.selected.map(|id| tab.model.tree.path(id));
    assert_eq!(selected.as_deref(), Some("lab/room-2/temperature"));
    let status = &tab.playback.as_ref().unwrap().status;
    assert_eq!(status.pace(), mqscope::record::player::Pace::Paused);

    // Play at 10×: the next message (at 11 s) comes a tenth of a second
    // later, and the 1× and 10× buttons say which one plays.
    harness.get_by_label("Play 10×").click();
    wait_until(&mut harness, "playing on at 10×", |h| {
        h.state().tabs[h.state().active].model.received() > 11
    });
    let app = harness.state();
    let status = &app.tabs[app.active].playback.as_ref().unwrap().status;
    assert_eq!(status.pace(), mqscope::record::player::Pace::Speed(10.0));
    harness.get_by_label("Pause").click();
    harness.run_steps(3);
    let app = harness.state();
    let status = &app.tabs[app.active].playback.as_ref().unwrap().status;
    assert_eq!(status.pace(), mqscope::record::player::Pace::Paused);

    // The selected topic's history can be written out: Export… (the
    // details' one; the messages log has its own) offers it in both formats.
    assert_eq!(harness.query_all_by_label("Export…").count(), 2);
    harness
        .query_all_by_label("Export…")
        .min_by(|a, b| a.rect().min.y.total_cmp(&b.rect().min.y))
        .expect("the details' Export…, the higher one")
        .click();
    harness.run_steps(3);
    assert!(has_label_containing(&harness, "This topic's history"));
    assert!(has_label_containing(&harness, "CSV (spreadsheets)"));
    assert!(has_label_containing(&harness, "JSON lines"));
}
