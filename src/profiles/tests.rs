use std::fs;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::*;
use crate::proto::{Property, QoS};

/// A profile with every field away from its default.
fn full_profile(dir: &std::path::Path) -> Profile {
    let ca = dir.join("ca.pem");
    let cert = dir.join("client.pem");
    let key = dir.join("client.key");
    for file in [&ca, &cert, &key] {
        fs::write(file, "not checked here").unwrap();
    }
    Profile {
        id: "lab-pi-1".into(),
        name: "Lab Pi".into(),
        host: "lab-pi.local".into(),
        port: 8884,
        transport: TransportKind::SecureWebSocket,
        websocket_path: "/ws".into(),
        client_id: "student-7".into(),
        user_name: "student".into(),
        password_storage: PasswordStorage::PlainText,
        password: Some("correct horse".into()),
        advanced: AdvancedSettings {
            mqtt_version: ProtocolVersion::V5,
            keep_alive_secs: 30,
            clean_start: false,
            session_expiry_interval_secs: Some(3600),
            receive_maximum: Some(20),
            maximum_packet_size: Some(1 << 20),
            topic_alias_maximum: Some(10),
            request_response_information: true,
            request_problem_information: false,
            user_properties: vec![UserProperty {
                name: "site".into(),
                value: "A".into(),
            }],
            connect_timeout_secs: 7,
        },
        will: WillSettings {
            enabled: true,
            topic: "lab/pi/status".into(),
            payload: "offline".into(),
            qos: QoS::AtLeastOnce,
            retain: true,
            delay_interval_secs: Some(5),
            message_expiry_interval_secs: Some(600),
            content_type: "text/plain".into(),
            response_topic: "lab/pi/reply".into(),
            correlation_data: "abc".into(),
            payload_format_indicator: true,
            user_properties: vec![UserProperty {
                name: "why".into(),
                value: "lost".into(),
            }],
        },
        tls: TlsSettings {
            ca_file: Some(ca),
            use_os_roots: true,
            client_cert: Some(cert),
            client_key: Some(key),
            alpn: vec!["mqtt".into()],
            server_name: Some("pi.example.org".into()),
            skip_verification: false,
            trusted_fingerprint: Some("AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:CD".into()),
        },
        reconnect: ReconnectSettings {
            enabled: false,
            initial_delay_ms: 250,
            max_delay_ms: 5000,
        },
        subscriptions: vec![
            SavedSubscription {
                filter: "sensors/+/temperature".into(),
                qos: QoS::ExactlyOnce,
                no_local: true,
                retain_as_published: true,
                retain_handling: RetainHandling::DoNotSend,
                subscription_identifier: Some(42),
                color: [1, 2, 3],
            },
            SavedSubscription::new("#"),
        ],
        decoders: super::decoders::DecoderSettings {
            rules: vec![
                crate::decode::Rule {
                    filter: "factory/+/telemetry".into(),
                    decoder: crate::decode::Format::Protobuf,
                    message_type: Some("acme.Telemetry".into()),
                    proto_file: Some("/protos/telemetry.proto".into()),
                    avro_schema: None,
                    compression: Some(crate::decode::Compression::Gzip),
                },
                crate::decode::Rule::new("devices/#", crate::decode::Format::Cbor),
                crate::decode::Rule {
                    avro_schema: Some("/schemas/reading.avsc".into()),
                    ..crate::decode::Rule::new("plant/#", crate::decode::Format::Avro)
                },
            ],
            proto_paths: vec!["/protos/include".into()],
        },
    }
}

fn errors_of(profile: &Profile) -> Vec<FieldError> {
    profile
        .validate()
        .into_iter()
        .filter(FieldError::is_error)
        .collect()
}

fn only_file_in(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn save_then_load_gives_the_same_profiles() {
    let dir = tempfile::tempdir().unwrap();
    let mut profiles = vec![full_profile(dir.path())];
    profiles.extend(presets());
    let store = ProfileStore::new(dir.path(), profiles.clone());
    store.save().unwrap();
    let outcome = ProfileStore::load(dir.path());
    assert_eq!(outcome.notice, None);
    assert!(outcome.save_allowed);
    assert_eq!(outcome.profiles, profiles);
    let text = fs::read_to_string(dir.path().join(FILE_NAME)).unwrap();
    assert!(text.starts_with("# mqscope connection profiles"));
    assert!(text.contains("transport = \"secure_websocket\""), "{text}");
    assert!(text.contains("mqtt_version = \"5\""), "{text}");
}

#[test]
fn a_hand_written_file_with_missing_fields_loads_with_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let text = r#"
[[profiles]]
name = "lab"
host = "10.0.0.5"
colour_of_the_sky = "blue"   # unknown: ignored

[profiles.advanced]
keep_alive_secs = 30
mqtt_version = "3.1.1"

[[profiles.subscriptions]]
filter = "lab/#"
qos = 1

[[profiles]]
name = "second, no id either"
"#;
    fs::write(dir.path().join(FILE_NAME), text).unwrap();
    let outcome = ProfileStore::load(dir.path());
    assert_eq!(outcome.notice, None);
    let [lab, second] = &outcome.profiles[..] else {
        panic!("{:?}", outcome.profiles)
    };
    assert_eq!(lab.port, 1883);
    assert_eq!(lab.transport, TransportKind::Tcp);
    assert_eq!(lab.advanced.keep_alive_secs, 30);
    assert_eq!(lab.advanced.mqtt_version, ProtocolVersion::V311);
    assert!(lab.advanced.clean_start);
    assert_eq!(lab.advanced.connect_timeout_secs, 10);
    assert!(lab.reconnect.enabled);
    assert_eq!(lab.subscriptions[0].qos, QoS::AtLeastOnce);
    assert_eq!(
        lab.subscriptions[0].color,
        SavedSubscription::default().color
    );
    assert_eq!(lab.password_storage, PasswordStorage::Keyring);
    assert!(!lab.id.is_empty() && !second.id.is_empty() && lab.id != second.id);
    assert!(errors_of(lab).is_empty(), "{:?}", lab.validate());
}

#[test]
fn a_corrupt_file_is_moved_aside_and_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(FILE_NAME);
    let broken = "[[profiles]]\nname = \"lab\"\nport = \"not a number\n";
    fs::write(&path, broken).unwrap();

    let (mut store, notice) = ProfileStore::open(dir.path());
    let notice = notice.expect("a notice");
    assert!(notice.contains("could not be read"), "{notice}");
    assert!(notice.contains("line 3"), "{notice}");
    assert!(notice.contains("Nothing is lost"), "{notice}");
    assert!(store.profiles.is_empty());
    assert!(!path.exists());
    let names = only_file_in(dir.path());
    assert_eq!(names.len(), 1);
    assert!(names[0].starts_with("profiles.toml.broken-"), "{names:?}");
    let copy = dir.path().join(&names[0]);
    assert_eq!(fs::read_to_string(&copy).unwrap(), broken);

    store.upsert(Profile::new("fresh"));
    store.save().unwrap();
    assert_eq!(fs::read_to_string(&copy).unwrap(), broken);
    assert_eq!(ProfileStore::load(dir.path()).profiles.len(), 1);

    // A second broken file in the same second gets its own name.
    fs::write(&path, "\u{0}garbage").unwrap();
    let outcome = ProfileStore::load(dir.path());
    assert!(outcome.notice.is_some());
    assert_eq!(fs::read_to_string(&copy).unwrap(), broken);
    assert_eq!(only_file_in(dir.path()).len(), 2);
}

#[test]
fn one_bad_profile_keeps_the_others_and_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let text = "[[profiles]]\nname = \"good\"\n\n[[profiles]]\nname = \"bad\"\ntransport = \"carrier pigeon\"\n";
    fs::write(dir.path().join(FILE_NAME), text).unwrap();
    let outcome = ProfileStore::load(dir.path());
    let notice = outcome.notice.unwrap();
    assert!(notice.contains("profile 2 \"bad\""), "{notice}");
    assert!(notice.contains("The other 1 were loaded"), "{notice}");
    assert_eq!(outcome.profiles.len(), 1);
    assert_eq!(outcome.profiles[0].name, "good");
    let copy = outcome.broken_copy.unwrap();
    assert_eq!(fs::read_to_string(copy).unwrap(), text);
}

#[test]
fn saving_leaves_no_temporary_file_and_replaces_the_old_one() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("new").join("folder");
    let mut store = ProfileStore::new(&sub, vec![Profile::new("one")]);
    store.save().unwrap();
    store.profiles.push(Profile::new("two"));
    store.save().unwrap();
    assert_eq!(only_file_in(&sub), vec![FILE_NAME.to_owned()]);
    assert_eq!(ProfileStore::load(&sub).profiles.len(), 2);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(sub.join(FILE_NAME))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn a_reader_always_sees_a_whole_file_while_another_thread_saves() {
    let dir = tempfile::tempdir().unwrap();
    let big = |n: usize| {
        let mut profile = Profile::new(format!("profile with {n} subscriptions"));
        profile.subscriptions = (0..n)
            .map(|i| SavedSubscription::new(format!("lab/{i}/#")))
            .collect();
        profile
    };
    ProfileStore::new(dir.path(), vec![big(1)]).save().unwrap();
    let done = Arc::new(AtomicBool::new(false));
    let writer = {
        let dir: PathBuf = dir.path().to_path_buf();
        let done = done.clone();
        std::thread::spawn(move || {
            for round in 0..60 {
                let n = if round % 2 == 0 { 400 } else { 3 };
                ProfileStore::new(&dir, vec![big(n), big(1)])
                    .save()
                    .unwrap();
            }
            done.store(true, Ordering::SeqCst);
        })
    };
    let mut loads = 0;
    while !done.load(Ordering::SeqCst) || loads < 10 {
        let outcome = ProfileStore::load(dir.path());
        assert_eq!(outcome.notice, None, "a load saw a partial file");
        let counts: Vec<usize> = outcome
            .profiles
            .iter()
            .map(|p| p.subscriptions.len())
            .collect();
        assert!(matches!(counts[..], [1] | [400, 1] | [3, 1]), "{counts:?}");
        loads += 1;
    }
    writer.join().unwrap();
    assert_eq!(only_file_in(dir.path()), vec![FILE_NAME.to_owned()]);
}

#[test]
fn passwords_reach_the_file_only_in_plain_text_mode() {
    let dir = tempfile::tempdir().unwrap();
    let mut profiles = Vec::new();
    for (storage, password) in [
        (PasswordStorage::DoNotSave, "never-1"),
        (PasswordStorage::Keyring, "never-2"),
        (PasswordStorage::PlainText, "written-3"),
    ] {
        let mut profile = Profile::new(format!("{storage:?}"));
        profile.user_name = "me".into();
        profile.password_storage = storage;
        profile.password = Some(password.into());
        profiles.push(profile);
    }
    ProfileStore::new(dir.path(), profiles).save().unwrap();
    let text = fs::read_to_string(dir.path().join(FILE_NAME)).unwrap();
    assert!(
        !text.contains("never-1") && !text.contains("never-2"),
        "{text}"
    );
    assert!(text.contains("written-3"), "{text}");
    let loaded = ProfileStore::load(dir.path()).profiles;
    let passwords: Vec<Option<&str>> = loaded.iter().map(|p| p.password.as_deref()).collect();
    assert_eq!(passwords, [None, None, Some("written-3")]);

    // A password written by hand next to keyring storage is not picked up.
    let hand: Profile = toml::from_str("password = \"x\"\npassword_storage = \"keyring\"").unwrap();
    assert_eq!(hand.password, None);
    assert!(!format!("{:?}", loaded[2]).contains("written-3"));
}

#[test]
fn the_port_field_takes_1_to_65535() {
    assert_eq!(parse_port_field(" 8883 "), Ok(8883));
    let error = parse_port_field("70000").unwrap_err();
    assert!(
        error.contains("70000") && error.contains("1 to 65535"),
        "{error}"
    );
    assert!(parse_port_field("0").is_err());
    assert!(
        parse_port_field("mqtt")
            .unwrap_err()
            .contains("not a port number")
    );
    assert!(parse_port_field("").unwrap_err().contains("Enter a port"));
    let mut profile = Profile::new("p");
    profile.port = 0;
    assert!(errors_of(&profile).iter().any(|e| e.field == Field::Port));
}

#[test]
fn validation_names_the_bad_filter_and_the_missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut profile = Profile::new("lab");
    profile.transport = TransportKind::Tls;
    profile.port = 8883;
    profile.subscriptions = vec![
        SavedSubscription::new("ok/#"),
        SavedSubscription::new("a/#/b"),
    ];
    let missing = dir.path().join("no-such-ca.pem");
    profile.tls.ca_file = Some(missing.clone());
    let errors = errors_of(&profile);
    let filter = errors
        .iter()
        .find(|e| e.field == Field::SubscriptionFilter(1))
        .expect("filter error");
    // [MQTT-4.7.1-1]
    assert!(filter.message.contains("\"a/#/b\""), "{}", filter.message);
    assert!(filter.message.contains("last level"), "{}", filter.message);
    let ca = errors
        .iter()
        .find(|e| e.field == Field::TlsCaFile)
        .expect("CA error");
    assert!(ca.message.contains("does not exist"), "{}", ca.message);
    assert!(ca.message.contains(&missing.display().to_string()));
    assert_eq!(errors.len(), 2, "{errors:?}");
}

#[test]
fn validation_of_the_other_rules() {
    let dir = tempfile::tempdir().unwrap();
    let mut profile = Profile::new("lab");
    profile.advanced.mqtt_version = ProtocolVersion::V311;
    profile.client_id = "a-client-id-of-thirty-chars-xx".into();
    profile.advanced.session_expiry_interval_secs = Some(60);
    profile.advanced.keep_alive_secs = 0;
    profile.advanced.receive_maximum = Some(0);
    profile.advanced.maximum_packet_size = Some(0);
    profile.will.enabled = true;
    profile.will.topic = "lab/+/status".into();
    profile.transport = TransportKind::Tls;
    profile.port = 8883;
    profile.tls.client_cert = Some(full_profile(dir.path()).tls.client_cert.unwrap());
    profile.tls.skip_verification = true;
    let problems = profile.validate();
    let find = |field: Field| {
        problems
            .iter()
            .find(|e| e.field == field)
            .unwrap_or_else(|| panic!("no message for {field:?} in {problems:?}"))
    };
    assert_eq!(find(Field::ClientId).severity, Severity::Warning);
    assert_eq!(
        find(Field::SessionExpiryInterval).severity,
        Severity::Warning
    );
    assert!(
        find(Field::SessionExpiryInterval)
            .message
            .contains("MQTT 3.1.1")
    );
    assert_eq!(find(Field::KeepAlive).severity, Severity::Warning);
    assert_eq!(find(Field::ReceiveMaximum).severity, Severity::Error);
    assert_eq!(find(Field::MaximumPacketSize).severity, Severity::Error);
    assert!(find(Field::WillTopic).message.contains("\"lab/+/status\""));
    assert!(find(Field::TlsClientKey).message.contains("private key"));
    // A typed fingerprint that is not one is refused at its field; a
    // PKCS#12 bundle needs no key file.
    let mut pinned = profile.clone();
    pinned.tls.trusted_fingerprint = Some("AB:CD:zz".into());
    pinned.tls.client_cert = Some(std::path::PathBuf::from("lab-client.p12"));
    let problems_of_pinned = pinned.validate();
    let pin_problem = problems_of_pinned
        .iter()
        .find(|e| e.field == Field::TlsTrustedFingerprint)
        .expect("the fingerprint is refused");
    assert!(pin_problem.is_error() && pin_problem.message.contains("SHA-256"));
    assert!(
        !problems_of_pinned
            .iter()
            .any(|e| e.field == Field::TlsClientKey),
        "{problems_of_pinned:?}"
    );
    let skip = find(Field::TlsSkipVerification);
    assert_eq!(skip.severity, Severity::Warning);
    assert!(skip.message.contains("only for testing"));
    match profile.to_connection_config(None) {
        Err(ProfileError::Invalid(errors)) => {
            assert!(errors.iter().all(FieldError::is_error));
            assert!(errors.iter().any(|e| e.field == Field::WillTopic));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn presets_validate_clean_except_the_cloud_placeholder() {
    let list = presets();
    assert!(list.len() >= 15);
    let ids: std::collections::HashSet<&str> = list.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids.len(), list.len());
    for preset in &list {
        let problems = preset.validate();
        if preset.host == HIVEMQ_CLOUD_PLACEHOLDER_HOST {
            let host = problems
                .iter()
                .find(|e| e.field == Field::Host)
                .expect("placeholder message");
            assert!(
                host.message.contains("HiveMQ Cloud cluster"),
                "{}",
                host.message
            );
            assert!(
                problems
                    .iter()
                    .all(|e| matches!(e.field, Field::Host | Field::UserName)),
                "{problems:?}"
            );
            let mut own = preset.clone();
            own.host = "abc123.s1.eu.hivemq.cloud".into();
            own.user_name = "student".into();
            assert_eq!(own.validate(), vec![], "{}", own.name);
            assert!(own.to_connection_config(Some("secret")).is_ok());
        } else {
            assert_eq!(problems, vec![], "{}", preset.name);
            let config = preset.to_connection_config(None).unwrap();
            assert_eq!(config.address.host, preset.host);
        }
    }
    let mosquitto_tls = list
        .iter()
        .find(|p| p.id == "preset-mosquitto-tls")
        .unwrap();
    assert_eq!(
        (mosquitto_tls.port, mosquitto_tls.transport),
        (8886, TransportKind::Tls)
    );
    let hivemq_ws = list.iter().find(|p| p.id == "preset-hivemq-ws").unwrap();
    assert_eq!(
        hivemq_ws.address().to_url(),
        "ws://broker.hivemq.com:8000/mqtt"
    );
}

#[test]
fn the_connection_config_carries_every_setting() {
    let dir = tempfile::tempdir().unwrap();
    let profile = full_profile(dir.path());
    assert_eq!(errors_of(&profile), vec![]);
    let config = profile.to_connection_config(Some("from keyring")).unwrap();
    assert_eq!(config.address.to_url(), "wss://lab-pi.local:8884/ws");
    let connect = &config.connect;
    assert_eq!(connect.protocol_version, ProtocolVersion::V5);
    assert_eq!(connect.keep_alive_secs, 30);
    assert!(!connect.clean_start);
    assert_eq!(&*connect.client_id, "student-7");
    assert_eq!(connect.user_name.as_deref(), Some("student"));
    assert_eq!(connect.password.as_deref(), Some(&b"from keyring"[..]));
    let props = &connect.properties;
    assert_eq!(props.session_expiry_interval_secs(), Some(3600));
    assert_eq!(props.maximum_packet_size(), Some(1 << 20));
    assert!(props.iter().any(|p| *p == Property::ReceiveMaximum(20)));
    assert!(props.iter().any(|p| *p == Property::TopicAliasMaximum(10)));
    assert!(
        props
            .iter()
            .any(|p| *p == Property::RequestResponseInformation(true))
    );
    assert!(
        props
            .iter()
            .any(|p| *p == Property::RequestProblemInformation(false))
    );
    assert_eq!(props.user_properties().collect::<Vec<_>>(), [("site", "A")]);
    let will = connect.will.as_ref().unwrap();
    assert_eq!(&*will.topic, "lab/pi/status");
    assert_eq!(&will.payload[..], b"offline");
    assert_eq!((will.qos, will.retain), (QoS::AtLeastOnce, true));
    let will_props: Vec<&Property> = will.properties.iter().collect();
    for expected in [
        Property::WillDelayInterval(5),
        Property::MessageExpiryInterval(600),
        Property::ContentType("text/plain".into()),
        Property::ResponseTopic("lab/pi/reply".into()),
        Property::CorrelationData(bytes::Bytes::from_static(b"abc")),
        Property::PayloadFormatIndicator(1),
        Property::UserProperty("why".into(), "lost".into()),
    ] {
        assert!(will_props.contains(&&expected), "{expected:?} missing");
    }
    assert_eq!(config.tls.ca_file, profile.tls.ca_file);
    assert_eq!(config.tls.client_cert, profile.tls.client_cert);
    assert_eq!(config.tls.client_key, profile.tls.client_key);
    assert_eq!(config.tls.server_name.as_deref(), Some("pi.example.org"));
    assert_eq!(
        config
            .tls
            .trusted_fingerprint
            .map(|f| f.to_string())
            .as_deref(),
        Some(
            "AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:CD"
        )
    );
    assert_eq!(config.tls.alpn, ["mqtt"]);
    assert!(config.tls.use_os_roots && !config.tls.skip_verification);
    assert!(!config.reconnect.enabled);
    assert_eq!(config.reconnect.initial_delay, Duration::from_millis(250));
    assert_eq!(config.reconnect.max_delay, Duration::from_secs(5));
    assert_eq!(config.session.connect_timeout, Duration::from_secs(7));

    // Without an explicit password, the profile's own is sent.
    let config = profile.to_connection_config(None).unwrap();
    assert_eq!(
        config.connect.password.as_deref(),
        Some(&b"correct horse"[..])
    );

    let sub = &profile.subscriptions[0];
    let filter = sub.subscribe_filter();
    assert_eq!(&*filter.filter, "sensors/+/temperature");
    assert_eq!(filter.options.maximum_qos, QoS::ExactlyOnce);
    assert!(filter.options.no_local && filter.options.retain_as_published);
    assert_eq!(filter.options.retain_handling, RetainHandling::DoNotSend);
    assert_eq!(
        sub.subscribe_properties(ProtocolVersion::V5)
            .subscription_identifiers()
            .collect::<Vec<_>>(),
        [42]
    );
}

#[test]
fn mqtt_311_connects_without_properties_and_with_a_generated_client_id() {
    let mut profile = Profile::new("old broker");
    profile.advanced.mqtt_version = ProtocolVersion::V311;
    profile
        .advanced
        .user_properties
        .push(UserProperty::default());
    profile.will.enabled = true;
    profile.will.topic = "bye".into();
    profile.will.content_type = "text/plain".into();
    let config = profile.to_connection_config(None).unwrap();
    assert!(config.connect.properties.is_empty());
    assert!(config.connect.will.unwrap().properties.is_empty());
    assert!(config.connect.client_id.starts_with("mqscope-"));
    assert!(config.connect.client_id.len() <= 23);
    assert!(config.reconnect.enabled);
}

#[test]
fn secret_stores() {
    let memory = MemorySecretStore::new();
    let mut profile = Profile::new("cloud");
    profile.password_storage = PasswordStorage::Keyring;
    profile.remember_password(Some("s3cret"), &memory).unwrap();
    assert_eq!(memory.get(&profile.id).unwrap().as_deref(), Some("s3cret"));
    profile.password = None; // as after a restart
    assert_eq!(
        profile.saved_password(&memory).unwrap().as_deref(),
        Some("s3cret")
    );
    profile.password_storage = PasswordStorage::DoNotSave;
    profile.remember_password(None, &memory).unwrap();
    assert_eq!(memory.get(&profile.id).unwrap(), None);

    let error = NoKeyring.set("x", "y").unwrap_err();
    assert_eq!(
        error.to_string(),
        "no system keyring is available; the password will not be saved unless you choose to save it in plain text"
    );
    profile.password_storage = PasswordStorage::Keyring;
    assert!(profile.remember_password(Some("p"), &NoKeyring).is_err());
    assert_eq!(profile.password.as_deref(), Some("p"), "kept for this run");
    profile.password_storage = PasswordStorage::PlainText;
    profile.remember_password(Some("p"), &NoKeyring).unwrap();
}

#[test]
fn the_system_keyring_without_a_session_bus_fails_in_words() {
    let runtime_bus = std::env::var_os("XDG_RUNTIME_DIR")
        .map(|d| std::path::Path::new(&d).join("bus").exists())
        .unwrap_or(false);
    if !cfg!(target_os = "linux")
        || std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some()
        || runtime_bus
    {
        return; // a real keyring may be there; do not touch it from a test
    }
    let store = KeyringStore::new();
    for result in [
        store.get("mqscope-test").map(|_| ()),
        store.set("mqscope-test", "x"),
        store.delete("mqscope-test"),
    ] {
        match result {
            Err(error @ SecretError::Unavailable { .. }) => {
                assert!(
                    error
                        .to_string()
                        .starts_with("no system keyring is available")
                );
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn the_file_reads_like_a_settings_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut profile = presets()
        .into_iter()
        .find(|p| p.host == "broker.hivemq.com")
        .unwrap();
    profile.advanced.session_expiry_interval_secs = Some(300);
    profile.will.enabled = true;
    profile.will.topic = "lab/gone".into();
    ProfileStore::new(dir.path(), vec![profile]).save().unwrap();
    let text = fs::read_to_string(dir.path().join(FILE_NAME)).unwrap();
    for line in [
        "format = 1",
        "[[profiles]]",
        "host = \"broker.hivemq.com\"",
        "transport = \"tcp\"",
        "password_storage = \"keyring\"",
        "[profiles.advanced]",
        "session_expiry_interval_secs = 300",
        "[profiles.will]",
        "qos = 0",
        "[[profiles.subscriptions]]",
        "filter = \"#\"",
        "color = [76, 154, 255]",
    ] {
        assert!(
            text.lines().any(|l| l.trim() == line),
            "{line:?} missing in\n{text}"
        );
    }
}

#[test]
fn waits_longer_than_a_day_are_refused_in_plain_words() {
    let mut profile = Profile::new("lab");
    profile.advanced.connect_timeout_secs = u32::MAX;
    profile.reconnect.enabled = true;
    profile.reconnect.initial_delay_ms = u64::MAX;
    profile.reconnect.max_delay_ms = u64::MAX;
    let errors = errors_of(&profile);
    let message = |field: Field| {
        errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.clone())
            .unwrap_or_else(|| panic!("no error for {field:?} in {errors:?}"))
    };
    assert!(
        message(Field::ConnectTimeout).contains("at most 86400 seconds (one day); 4294967295"),
        "{errors:?}"
    );
    assert!(
        message(Field::ReconnectInitialDelay)
            .contains("first reconnect delay must be at most 86400000 ms"),
        "{errors:?}"
    );
    assert!(
        message(Field::ReconnectMaxDelay).contains("18446744073709551615 ms is longer"),
        "{errors:?}"
    );
    assert!(matches!(
        profile.to_connection_config(None),
        Err(ProfileError::Invalid(_))
    ));
}

#[test]
fn a_day_is_the_longest_wait_accepted() {
    let mut profile = Profile::new("lab");
    profile.advanced.connect_timeout_secs = 86_400;
    profile.reconnect.enabled = true;
    profile.reconnect.initial_delay_ms = 86_400_000;
    profile.reconnect.max_delay_ms = 86_400_000;
    let config = profile.to_connection_config(None).unwrap();
    assert_eq!(config.session.connect_timeout, crate::net::LONGEST_WAIT);
    assert_eq!(
        config.reconnect.delay(u32::MAX, 1.0),
        crate::net::LONGEST_WAIT
    );
}

mod extreme_numbers {
    use std::time::Instant;

    use proptest::prelude::*;

    use super::*;
    use crate::net::LONGEST_WAIT;

    proptest! {
        #[test]
        fn any_number_in_a_profile_is_refused_or_gives_a_safe_config(
            keep_alive in any::<u16>(),
            timeout in prop_oneof![Just(0u32), Just(86_400), Just(86_401), Just(u32::MAX), any::<u32>()],
            initial in prop_oneof![Just(0u64), Just(86_400_000), Just(u64::MAX), any::<u64>(), 1..100_000u64],
            max in prop_oneof![Just(0u64), Just(86_400_000), Just(86_400_001), Just(u64::MAX), any::<u64>()],
            expiry in prop::option::of(any::<u32>()),
            packet_size in prop::option::of(1..=u32::MAX),
            receive_maximum in prop::option::of(1..=u16::MAX),
        ) {
            let mut profile = Profile::new("lab");
            profile.advanced.keep_alive_secs = keep_alive;
            profile.advanced.connect_timeout_secs = timeout;
            profile.advanced.session_expiry_interval_secs = expiry;
            profile.advanced.maximum_packet_size = packet_size;
            profile.advanced.receive_maximum = receive_maximum;
            profile.reconnect.enabled = true;
            profile.reconnect.initial_delay_ms = initial;
            profile.reconnect.max_delay_ms = max;
            let valid = (1..=86_400).contains(&timeout)
                && (1..=86_400_000).contains(&initial)
                && max <= 86_400_000
                && max >= initial;
            match profile.to_connection_config(None) {
                Ok(config) => {
                    prop_assert!(valid);
                    prop_assert_eq!(config.connect.keep_alive_secs, keep_alive);
                    prop_assert!(Instant::now().checked_add(config.session.connect_timeout).is_some());
                    prop_assert!(config.reconnect.delay(u32::MAX, 1.0) <= LONGEST_WAIT);
                }
                Err(ProfileError::Invalid(errors)) => prop_assert!(!valid, "{errors:?}"),
                Err(other) => prop_assert!(false, "{other:?}"),
            }
        }
    }
}
