//! A monkey at the keyboard: for a few thousand frames, random text (random
//! Unicode, control characters, very long strings, numbers at their limits)
//! goes into the window's text fields and random buttons are clicked, while
//! the built-in broker's demo sends traffic. Nothing may panic, and the
//! window still answers afterwards.

#![cfg(feature = "builtin-broker")]

use std::time::{Duration, Instant};

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use mqscope::app::{MqscopeApp, Settings};
use mqscope::language::Language;
use mqscope::profiles::{MemorySecretStore, ProfileStore};

/// Texts a person (or a cat on the keyboard) might type.
fn random_text(rng: &mut fastrand::Rng) -> String {
    match rng.u8(0..8) {
        0 => String::new(),
        1 => "9".repeat(rng.usize(1..40)),
        2 => [
            "18446744073709551615",
            "-1",
            "0",
            "65536",
            "4294967296",
            "1e999",
            "NaN",
        ][rng.usize(0..7)]
        .to_owned(),
        3 => "1ü1 0x 10x2 ∞ 🦀 \u{202e}".to_owned(),
        4 => (0..rng.usize(1..64)).map(|_| rng.char(..)).collect(),
        5 => "\t\n\r\u{0}\u{7f}".to_owned(),
        6 => "a/".repeat(rng.usize(1..2000)),
        _ => ["#", "+", "lab/#", "$SYS/#", "/", "//", "a/+/b", "#/a"][rng.usize(0..8)].to_owned(),
    }
}

#[test]
fn random_typing_and_clicking_never_breaks_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_owned();
    // Random Unicode on purpose: characters no font has are drawn as boxes,
    // as the real window does (egui's default), instead of failing the test.
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .allow_missing_glyphs()
        .build_eframe(move |_cc| {
            let settings = Settings {
                language: Some(Language::English),
                ..Settings::default()
            };
            let mut app = MqscopeApp::with_store(
                Ok((ProfileStore::new(&path, Vec::new()), None)),
                Box::new(MemorySecretStore::new()),
                settings,
            );
            app.open_on_first_run();
            app
        });
    // Wait for the demo's traffic.
    let deadline = Instant::now() + Duration::from_secs(20);
    while harness
        .query_all_by_label_contains("room-101")
        .next()
        .is_none()
    {
        assert!(Instant::now() < deadline, "the demo never arrived");
        harness.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut rng = fastrand::Rng::with_seed(0x006d_7173_636f_7065);
    // Buttons that would end the experiment early are left alone.
    let spared = ["Stop the broker", "Disconnect", "×"];
    for round in 0..300 {
        let inputs = harness.get_all_by_role(Role::TextInput).count();
        if inputs > 0 {
            let pick = rng.usize(0..inputs);
            if let Some(node) = harness.get_all_by_role(Role::TextInput).nth(pick) {
                node.focus();
            }
            harness.step();
            let text = random_text(&mut rng);
            if let Some(node) = harness.get_all_by_role(Role::TextInput).nth(pick) {
                node.type_text(&text);
            }
        }
        harness.step();
        let is_spared = |label: Option<String>| {
            let label = label.unwrap_or_default();
            spared.iter().any(|s| label.contains(s))
        };
        let buttons = harness.get_all_by_role(Role::Button).count();
        if buttons > 0 && rng.bool() {
            let pick = rng.usize(0..buttons);
            if let Some(node) = harness.get_all_by_role(Role::Button).nth(pick)
                && !is_spared(node.accesskit_node().label())
            {
                node.click_accesskit();
            }
        }
        for _ in 0..10 {
            harness.step();
        }
        if round % 50 == 0 {
            // Let network events in, as the real window's frames would.
            std::thread::sleep(Duration::from_millis(30));
        }
    }
    // Still answering: a new tab opens and shows its editor.
    let tabs = harness.state().tabs.len();
    harness.get_by_label("+").click_accesskit();
    harness.run_steps(3);
    assert_eq!(
        harness.state().tabs.len(),
        tabs + 1,
        "the window still answers clicks"
    );
}
