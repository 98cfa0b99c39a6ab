//! Driving the whole window through egui_kittest.

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use mqscope::app::MqscopeApp;

/// How long a window test waits for something that arrives over the network.
const WAIT: Duration = Duration::from_secs(20);

/// Step the window until `done` holds (network events arrive on their own time).
pub fn wait_until(
    harness: &mut Harness<'_, MqscopeApp>,
    what: &str,
    mut done: impl FnMut(&Harness<'_, MqscopeApp>) -> bool,
) {
    let deadline = Instant::now() + WAIT;
    loop {
        harness.step();
        if done(harness) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}; the window shows: {}",
            shown(harness)
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Every label of the window, for a failure's message.
fn shown(harness: &Harness<'_, MqscopeApp>) -> String {
    use egui_kittest::kittest::NodeT;
    harness
        .query_all_by_label_contains("")
        .filter_map(|node| node.accesskit_node().label())
        .collect::<Vec<_>>()
        .join(" | ")
}

/// Whether some label contains `text`.
pub fn has_label_containing(harness: &Harness<'_, MqscopeApp>, text: &str) -> bool {
    harness.query_all_by_label_contains(text).next().is_some()
}

/// The window opened on `profile` (saved, and the last one used, in a
/// folder that lives as long as the directory returned), connected through
/// its Connect button, its subscriptions granted.
pub fn connected_window(
    profile: mqscope::profiles::Profile,
) -> (tempfile::TempDir, Harness<'static, MqscopeApp>) {
    use mqscope::app::Settings;
    use mqscope::profiles::{MemorySecretStore, ProfileStore};
    let dir = tempfile::tempdir().unwrap();
    let settings = Settings {
        last_profile: Some(profile.id.clone()),
        ..Settings::default()
    };
    let store = ProfileStore::new(dir.path(), vec![profile]);
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_eframe(move |_cc| {
            MqscopeApp::with_store(
                Ok((store, None)),
                Box::new(MemorySecretStore::new()),
                settings,
            )
        });
    harness.run_steps(2);
    harness
        .get_all_by_label("Connect")
        .next()
        .expect("Connect")
        .click_accesskit();
    wait_until(&mut harness, "connected and subscribed", |h| {
        has_label_containing(h, "Connected ·") && has_label_containing(h, "granted QoS")
    });
    (dir, harness)
}
