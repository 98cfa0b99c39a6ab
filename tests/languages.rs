//! The window and the CLI in each language: the first screen's main button
//! and a connection error read in the language chosen. One test per binary
//! run, because the language is process-wide.

mod support;

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::path::Path;
use std::process::Command as Process;
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use mqscope::app::{MqscopeApp, Settings};
use mqscope::language::Language;
use mqscope::profiles::{MemorySecretStore, ProfileStore};
use support::mqscope_bin;

fn catalogue(language: Language) -> BTreeMap<String, String> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("locales/{}.json", language.code()));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A port on 127.0.0.1 where nothing listens.
fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

const REFUSED: &str = "The connection to %{address} was refused: no broker is listening there; check the host and port.";

#[test]
fn the_window_and_the_cli_speak_each_language() {
    for language in Language::ALL {
        let words = catalogue(language);
        let port = closed_port();
        let address = format!("127.0.0.1:{port}");
        let refused = words[REFUSED].replace("%{address}", &address);
        if language != Language::English {
            assert_ne!(
                words["Connect"],
                "Connect",
                "{} translates Connect",
                language.code()
            );
            assert_ne!(refused, REFUSED.replace("%{address}", &address));
        }

        // The window, with the language chosen in its settings.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().to_owned();
        let mut harness = Harness::builder()
            .with_size(egui::vec2(1400.0, 900.0))
            .build_eframe(move |_cc| {
                let settings = Settings {
                    language: Some(language),
                    last_profile: Some("preset-hivemq-tcp".to_owned()),
                    ..Settings::default()
                };
                let mut app = MqscopeApp::with_store(
                    Ok((ProfileStore::new(&path, Vec::new()), None)),
                    Box::new(MemorySecretStore::new()),
                    settings,
                );
                let tab = &mut app.tabs[0];
                tab.editor.profile.host = "127.0.0.1".to_owned();
                tab.editor.profile.port = port;
                tab.editor.port_text = port.to_string();
                tab.editor.profile.reconnect.enabled = false;
                app
            });
        harness.run_steps(3);
        let connect = harness
            .query_all_by_label(&words["Connect"])
            .next()
            .unwrap_or_else(|| panic!("{}: no button {:?}", language.code(), words["Connect"]));
        connect.click();
        let deadline = Instant::now() + Duration::from_secs(10);
        while harness
            .query_all_by_label_contains(&refused)
            .next()
            .is_none()
        {
            assert!(
                Instant::now() < deadline,
                "{}: the window never said {refused:?}",
                language.code()
            );
            harness.step();
            std::thread::sleep(Duration::from_millis(20));
        }
        drop(harness);

        // The CLI, with the language of the environment.
        let locale = match language {
            Language::English => "en_US.UTF-8",
            Language::Romanian => "ro_RO.UTF-8",
            Language::Italian => "it_IT.UTF-8",
            Language::PortugueseBrazil => "pt_BR.UTF-8",
        };
        let out = Process::new(mqscope_bin())
            .args(["sub", "-h", "127.0.0.1", "-p", &port.to_string(), "-t", "x"])
            .env("LANG", locale)
            .env_remove("LANGUAGE")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(&refused), "{locale}: {stderr}");
        assert_eq!(out.status.code(), Some(1));
    }
}
