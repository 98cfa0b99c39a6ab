//! The window never waits on the keyring or the disk: a keyring that hangs
//! while saving a password leaves the window drawing and answering clicks,
//! and the outcome arrives later as a notice. No broker is needed.

use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use egui::{Key, Modifiers, Role};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use mqscope::app::{MqscopeApp, Settings};
use mqscope::profiles::{MemorySecretStore, ProfileStore, SecretError, SecretStore};

/// How long the gated keyring waits for the test to open the gate before it
/// gives up on its own (so that a window that did wait cannot hang the test).
const GATE_TIMEOUT: Duration = Duration::from_secs(10);

/// What the gated keyring has seen.
#[derive(Default)]
struct GateState {
    open: bool,
    entered: bool,
    finished: bool,
}

/// A keyring that blocks every `set` until the test opens the gate, like a
/// keyring waiting for the user to unlock it.
#[derive(Clone, Default)]
struct GatedKeyring {
    state: Arc<(Mutex<GateState>, Condvar)>,
    inner: Arc<MemorySecretStore>,
}

impl GatedKeyring {
    fn with_state<T>(&self, f: impl FnOnce(&mut GateState) -> T) -> T {
        let (lock, condvar) = &*self.state;
        let mut state = lock.lock().expect("gate lock");
        let value = f(&mut state);
        condvar.notify_all();
        value
    }

    fn open(&self) {
        self.with_state(|s| s.open = true);
    }
}

impl SecretStore for GatedKeyring {
    fn get(&self, profile_id: &str) -> Result<Option<String>, SecretError> {
        self.inner.get(profile_id)
    }

    fn set(&self, profile_id: &str, password: &str) -> Result<(), SecretError> {
        let (lock, condvar) = &*self.state;
        let mut state = lock.lock().expect("gate lock");
        state.entered = true;
        condvar.notify_all();
        let deadline = Instant::now() + GATE_TIMEOUT;
        while !state.open && Instant::now() < deadline {
            state = condvar
                .wait_timeout(state, Duration::from_millis(50))
                .expect("gate lock")
                .0;
        }
        state.finished = true;
        drop(state);
        self.inner.set(profile_id, password)
    }

    fn delete(&self, profile_id: &str) -> Result<(), SecretError> {
        self.inner.delete(profile_id)
    }
}

fn step_until(
    harness: &mut Harness<'_, MqscopeApp>,
    what: &str,
    mut done: impl FnMut(&Harness<'_, MqscopeApp>) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while !done(harness) {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        harness.step();
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_hanging_keyring_never_stalls_the_window() {
    let dir = tempfile::tempdir().expect("temp dir");
    let keyring = GatedKeyring::default();
    let secrets = keyring.clone();
    let store_dir = dir.path().to_owned();
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_eframe(move |_cc| {
            MqscopeApp::with_store(
                Ok((ProfileStore::new(&store_dir, Vec::new()), None)),
                Box::new(secrets),
                Settings::default(),
            )
        });
    harness.run_steps(3);

    // Type a password and save the connection (the password goes to the keyring).
    harness
        .get_by_role_and_label(Role::PasswordInput, "Password")
        .focus();
    harness.step();
    harness
        .get_by_role_and_label(Role::PasswordInput, "Password")
        .type_text("s3cret");
    harness.run_steps(2);
    harness.get_by_label("Save").click_accesskit();
    harness.run_steps(2);

    step_until(&mut harness, "the keyring to be asked", |_| {
        keyring.with_state(|s| s.entered)
    });

    // The keyring hangs; the window keeps drawing and answering clicks.
    harness.get_by_label("Publish").click_accesskit();
    harness.run_steps(3);
    assert!(
        harness.query_by_label("Sent").is_some(),
        "the Publish panel opened while the keyring was busy"
    );
    harness.key_press_modifiers(Modifiers::COMMAND, Key::F);
    harness.run_steps(2);
    assert!(
        !keyring.with_state(|s| s.finished),
        "the keyring was still busy: no frame waited for it"
    );
    assert!(
        harness
            .query_all_by_label_contains("saved in the system keyring")
            .next()
            .is_none(),
        "no notice before the keyring answers"
    );

    // The keyring answers: the notice arrives on its own.
    keyring.open();
    step_until(&mut harness, "the notice", |h| {
        h.query_all_by_label_contains("The password was saved in the system keyring.")
            .next()
            .is_some()
    });
    let profiles = std::fs::read_to_string(dir.path().join(mqscope::profiles::FILE_NAME))
        .expect("the worker wrote the profiles");
    assert!(
        !profiles.contains("s3cret"),
        "a keyring password is never written to the file"
    );
    let saved_id = harness.state().tabs[0].editor.profile.id.clone();
    assert!(!saved_id.starts_with(mqscope::profiles::PRESET_ID_PREFIX));
    assert_eq!(
        keyring.get(&saved_id),
        Ok(Some("s3cret".to_owned())),
        "the password is under the saved profile's own entry"
    );
}
