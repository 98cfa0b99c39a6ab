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

/// A keyring whose entries the test can read while the window uses it.
#[derive(Clone, Default)]
struct SharedKeyring(Arc<MemorySecretStore>);

impl SecretStore for SharedKeyring {
    fn get(&self, profile_id: &str) -> Result<Option<String>, SecretError> {
        self.0.get(profile_id)
    }

    fn set(&self, profile_id: &str, password: &str) -> Result<(), SecretError> {
        self.0.set(profile_id, password)
    }

    fn delete(&self, profile_id: &str) -> Result<(), SecretError> {
        self.0.delete(profile_id)
    }
}

fn openssl(dir: &std::path::Path, args: &[&str]) -> bool {
    std::process::Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

fn has_label(harness: &Harness<'_, MqscopeApp>, text: &str) -> bool {
    harness.query_all_by_label_contains(text).next().is_some()
}

fn press_connect(harness: &mut Harness<'_, MqscopeApp>) {
    harness
        .get_all_by_label("Connect")
        .next()
        .expect("Connect")
        .click_accesskit();
    harness.run_steps(2);
}

/// A window on `profiles` and `keyring`, opened on the profile `id`.
fn window_on(
    store_dir: std::path::PathBuf,
    profiles: Vec<mqscope::profiles::Profile>,
    id: String,
    keyring: SharedKeyring,
) -> Harness<'static, MqscopeApp> {
    let settings = Settings {
        last_profile: Some(id),
        ..Settings::default()
    };
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_eframe(move |_cc| {
            MqscopeApp::with_store(
                Ok((ProfileStore::new(&store_dir, profiles), None)),
                Box::new(keyring),
                settings,
            )
        });
    harness.run_steps(3);
    harness
}

/// A client key's passphrase is kept like the password: typed once, it goes
/// to the keyring, and the next window reads it from there. No broker is
/// needed: the key is opened before the TCP connect, so "refused" (nothing
/// listens on the port) means the key opened, and "protected by a
/// passphrase" that it did not.
#[test]
fn a_key_passphrase_is_kept_in_the_keyring_like_the_password() {
    use mqscope::net::TransportKind;
    use mqscope::profiles::{PasswordStorage, Profile, key_passphrase_entry};

    let dir = tempfile::tempdir().expect("temp dir");
    let made = openssl(
        dir.path(),
        &[
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-aes-256-cbc",
            "-pass",
            "pass:lab-secret",
            "-out",
            "student.key",
        ],
    ) && openssl(
        dir.path(),
        &[
            "req",
            "-new",
            "-x509",
            "-key",
            "student.key",
            "-passin",
            "pass:lab-secret",
            "-subj",
            "/CN=student",
            "-days",
            "2",
            "-out",
            "student.crt",
        ],
    );
    if !made {
        assert!(
            std::env::var_os("MQSCOPE_REQUIRE_BROKER").is_none(),
            "openssl is needed to make an encrypted key (apt-get install openssl)"
        );
        eprintln!(
            "SKIPPED a_key_passphrase_is_kept_in_the_keyring_like_the_password: openssl is not installed"
        );
        return;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let mut profile = Profile::new("lab broker with a client certificate");
    profile.host = "127.0.0.1".into();
    profile.port = port;
    profile.transport = TransportKind::Tls;
    profile.tls.client_cert = Some(dir.path().join("student.crt"));
    profile.tls.client_key = Some(dir.path().join("student.key"));
    profile.password_storage = PasswordStorage::Keyring;
    profile.reconnect.enabled = false;
    let id = profile.id.clone();
    let keyring = SharedKeyring::default();
    let store_dir = dir.path().join("profiles");

    let mut harness = window_on(
        store_dir.clone(),
        vec![profile.clone()],
        id.clone(),
        keyring.clone(),
    );
    press_connect(&mut harness);
    step_until(&mut harness, "the passphrase to be asked for", |h| {
        has_label(h, "protected by a passphrase")
    });
    if harness.query_by_label("Advanced").is_none() {
        harness
            .get_by_label("Connection settings")
            .click_accesskit();
        harness.run_steps(2);
    }
    harness.get_by_label("Advanced").click_accesskit();
    harness.run_steps(2);
    harness
        .get_by_role_and_label(Role::PasswordInput, "Key passphrase")
        .focus();
    harness.step();
    harness
        .get_by_role_and_label(Role::PasswordInput, "Key passphrase")
        .type_text("lab-secret");
    harness.run_steps(2);
    press_connect(&mut harness);
    step_until(&mut harness, "the key to open", |h| {
        has_label(h, "was refused")
    });
    step_until(&mut harness, "the keyring to keep it", |_| {
        keyring.get(&key_passphrase_entry(&id)) == Ok(Some("lab-secret".to_owned()))
    });
    drop(harness);

    // Another run: the passphrase comes from the keyring, nothing is typed.
    let mut harness = window_on(store_dir, vec![profile], id.clone(), keyring.clone());
    press_connect(&mut harness);
    step_until(&mut harness, "the key to open", |h| {
        has_label(h, "was refused")
    });
    assert!(
        !has_label(&harness, "protected by a passphrase"),
        "the passphrase was read from the keyring"
    );
    let profiles = std::fs::read_dir(dir.path().join("profiles"))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| std::fs::read_to_string(entry.path()).ok())
        .collect::<String>();
    assert!(
        !profiles.contains("lab-secret"),
        "the passphrase is never written to disk"
    );
}
