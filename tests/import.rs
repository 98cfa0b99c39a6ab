//! Connections carried in: mqscope's own export round trip, and the sample
//! MQTTX and MQTT Explorer files in `tests/fixtures/` (written for these
//! tests from the two clients' public field names), every mapped field and
//! the list of what did not map.

use std::path::PathBuf;

use mqscope::net::TransportKind;
use mqscope::profiles::{
    ImportSource, PASSWORDS_WARNING, PasswordStorage, Profile, ProfileStore, export_text, presets,
    read_import, side_by_side,
};
use mqscope::proto::{ProtocolVersion, QoS, RetainHandling};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
    )
    .expect("the fixture")
}

fn not_mapped<'a>(imported: &'a mqscope::profiles::Imported, name: &str) -> &'a [String] {
    imported
        .not_mapped
        .iter()
        .find(|(n, _)| n == name)
        .map_or(&[], |(_, list)| list.as_slice())
}

#[test]
fn exported_profiles_import_into_an_empty_configuration_field_by_field() {
    let mut profiles = presets();
    profiles[0].password = Some("kept out".into());
    let text = export_text(&profiles, false).unwrap();
    assert!(!text.contains("kept out"));
    let imported = read_import(text.as_bytes()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = ProfileStore::new(dir.path(), imported.profiles.clone());
    store.save().unwrap();
    let loaded = ProfileStore::load(dir.path()).profiles;
    profiles[0].password = None;
    assert_eq!(loaded, profiles);

    let with = export_text(&[profiles[0].clone()], true).unwrap();
    assert_eq!(with.lines().next(), Some(PASSWORDS_WARNING));
}

#[test]
fn mqttx_connections_map_and_say_what_did_not() {
    let imported = read_import(&fixture("mqttx-connections.json")).unwrap();
    assert_eq!(imported.source, ImportSource::Mqttx);
    let [lab, ws, old] = &imported.profiles[..] else {
        panic!("{:?}", imported.profiles.len())
    };

    assert_eq!(lab.name, "Lab broker (TLS)");
    assert_eq!((lab.host.as_str(), lab.port), ("lab.example.org", 8883));
    assert_eq!(lab.transport, TransportKind::Tls);
    assert_eq!(lab.client_id, "mqttx_lab_01");
    assert_eq!(lab.user_name, "student");
    assert_eq!(lab.password.as_deref(), Some("lab-pass"));
    assert_eq!(lab.password_storage, PasswordStorage::Keyring);
    let a = &lab.advanced;
    assert_eq!(a.mqtt_version, ProtocolVersion::V5);
    assert_eq!(a.keep_alive_secs, 30);
    assert!(!a.clean_start);
    assert_eq!(a.connect_timeout_secs, 10);
    assert_eq!(a.session_expiry_interval_secs, Some(3600));
    assert_eq!(a.receive_maximum, Some(100));
    assert_eq!(a.maximum_packet_size, Some(1_048_576));
    assert_eq!(a.topic_alias_maximum, Some(10));
    assert!(a.request_response_information && a.request_problem_information);
    let pairs: Vec<(&str, &str)> = a
        .user_properties
        .iter()
        .map(|p| (p.name.as_str(), p.value.as_str()))
        .collect();
    assert_eq!(
        pairs,
        [("room", "B2"), ("class", "mqtt-101"), ("class", "iot")]
    );
    assert!(lab.reconnect.enabled);
    assert_eq!(lab.reconnect.initial_delay_ms, 4000);
    let t = &lab.tls;
    assert_eq!(t.ca_file, Some("/home/student/certs/lab-ca.pem".into()));
    assert_eq!(
        t.client_cert,
        Some("/home/student/certs/student.crt".into())
    );
    assert_eq!(t.client_key, Some("/home/student/certs/student.key".into()));
    assert_eq!(t.alpn, ["mqtt"]);
    assert!(!t.skip_verification);
    let w = &lab.will;
    assert!(w.enabled);
    assert_eq!(w.topic, "lab/students/01/status");
    assert_eq!(w.payload, "offline");
    assert_eq!((w.qos, w.retain), (QoS::AtLeastOnce, true));
    assert_eq!(w.delay_interval_secs, Some(5));
    assert_eq!(w.message_expiry_interval_secs, Some(600));
    assert_eq!(w.content_type, "text/plain");
    assert_eq!(w.response_topic, "lab/students/01/reply");
    assert_eq!(w.correlation_data, "will-1");
    assert!(w.payload_format_indicator);
    assert_eq!(w.user_properties[0].name, "reason");
    let [all, temperature] = &lab.subscriptions[..] else {
        panic!("{:?}", lab.subscriptions)
    };
    assert_eq!(all.filter, "lab/#");
    assert_eq!(all.qos, QoS::AtLeastOnce);
    assert!(all.no_local && all.retain_as_published);
    assert_eq!(all.retain_handling, RetainHandling::DoNotSend);
    assert_eq!(all.subscription_identifier, Some(7));
    assert_eq!(all.color, [0x34, 0xC3, 0x88]);
    assert_eq!(temperature.filter, "lab/+/temperature");
    assert_eq!(temperature.qos, QoS::AtMostOnce);
    assert_eq!(
        not_mapped(&imported, "Lab broker (TLS)"),
        [
            "properties.authenticationMethod: enhanced authentication is not saved in mqscope's profiles",
            "messages: received messages are not imported",
        ]
    );

    assert_eq!(ws.transport, TransportKind::WebSocket);
    assert_eq!((ws.port, ws.websocket_path.as_str()), (8000, "/mqtt"));
    assert_eq!(ws.advanced.mqtt_version, ProtocolVersion::V311);
    assert!(ws.advanced.clean_start);
    assert!(!ws.reconnect.enabled);
    assert_eq!(ws.password, None);
    assert!(not_mapped(&imported, "HiveMQ over WebSocket").is_empty());

    assert_eq!(old.port, 1883, "a port written as text");
    assert_eq!(old.tls.ca_file, None);
    let missed = not_mapped(&imported, "Old broker");
    assert_eq!(missed.len(), 3, "{missed:#?}");
    for start in [
        "mqttVersion: MQTT 3.1 is not spoken",
        "clientIdWithTime: ",
        "ca: the certificate is in the file itself",
    ] {
        assert!(missed.iter().any(|m| m.starts_with(start)), "{missed:#?}");
    }
}

#[test]
fn mqtt_explorer_connections_map_and_say_what_did_not() {
    let imported = read_import(&fixture("mqtt-explorer-settings.json")).unwrap();
    assert_eq!(imported.source, ImportSource::MqttExplorer);
    let by_name = |name: &str| -> &Profile {
        imported
            .profiles
            .iter()
            .find(|p| p.name == name)
            .unwrap_or_else(|| panic!("{name}"))
    };
    let eclipse = by_name("Eclipse public broker");
    assert_eq!(eclipse.host, "mqtt.eclipseprojects.io");
    assert_eq!(
        (eclipse.port, eclipse.transport),
        (1883, TransportKind::Tcp)
    );
    assert_eq!(eclipse.client_id, "mqtt-explorer-1a2b3c4d");
    assert_eq!(eclipse.advanced.mqtt_version, ProtocolVersion::V311);
    let filters: Vec<&str> = eclipse
        .subscriptions
        .iter()
        .map(|s| s.filter.as_str())
        .collect();
    assert_eq!(filters, ["#", "$SYS/#"]);
    assert!(not_mapped(&imported, "Eclipse public broker").is_empty());

    let lab = by_name("Lab broker (TLS)");
    assert_eq!(lab.transport, TransportKind::Tls);
    assert!(lab.tls.skip_verification, "certValidation false");
    assert_eq!(lab.user_name, "teacher");
    assert_eq!(lab.password.as_deref(), Some("lab-pass"));
    assert_eq!(lab.subscriptions[0].qos, QoS::AtLeastOnce);
    let missed = not_mapped(&imported, "Lab broker (TLS)");
    assert_eq!(missed.len(), 1, "{missed:#?}");
    assert!(missed[0].starts_with("selfSignedCertificate: the CA certificate is kept inside"));

    let cloud = by_name("Cloud over secure WebSocket");
    assert_eq!(cloud.transport, TransportKind::SecureWebSocket);
    assert_eq!((cloud.port, cloud.websocket_path.as_str()), (8884, "/mqtt"));
    assert!(!cloud.tls.skip_verification);
}

#[test]
fn an_imported_name_that_exists_stands_beside_it() {
    let imported = read_import(&fixture("mqtt-explorer-settings.json")).unwrap();
    let saved = vec![Profile::new("Lab broker (TLS)")];
    let joined = side_by_side(&saved, imported.profiles);
    assert!(
        joined
            .iter()
            .any(|p| p.name == "Lab broker (TLS) (imported)")
    );
    assert!(joined.iter().all(|p| p.id != saved[0].id));
}

#[test]
fn damaged_imports_are_refused_in_plain_words() {
    let text = String::from_utf8(fixture("mqttx-connections.json")).unwrap();
    let cut = &text[..text.len() / 3];
    let error = read_import(cut.as_bytes()).unwrap_err().to_string();
    assert!(error.contains("not valid JSON (line"), "{error}");
    let wrong = text.replacen("\"port\": 8883", "\"port\": \"eighty\"", 1);
    let error = read_import(wrong.as_bytes()).unwrap_err().to_string();
    assert_eq!(
        error,
        "in \"Lab broker (TLS)\", \"port\" is not a whole number. Nothing was imported."
    );
    let wrong = text.replacen("\"port\": 8883", "\"port\": 70000", 1);
    assert!(
        read_import(wrong.as_bytes()).is_err(),
        "a port out of range"
    );
    let error = read_import(br#"{"colour": "blue"}"#)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("not a connection export mqscope knows"),
        "{error}"
    );
}
