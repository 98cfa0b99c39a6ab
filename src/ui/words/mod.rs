//! The one place where typed values from the rest of mqscope become words a
//! person reads: notices, errors and reasons, each through the catalogue.

mod decode;
mod recording;

pub use decode::{decode_error, decode_reason, schema_error, sparkplug_finding};
pub use recording::{file_error, record_error, recording_open_error, recording_problem};

use rust_i18n::t;

use super::tr;
use crate::app::{AppNotice, PayloadFileError};
use crate::model::{EndReason, Notice, NoticeKind};
use crate::net::{CertificateProblem, ConnectError, TlsFailure, TlsSetupError};
use crate::proto::session::{BrokerReason, CloseReason, SessionError, Violation};

/// An app notice in one or two plain sentences.
pub fn app_notice(notice: &AppNotice) -> String {
    match notice {
        AppNotice::StoreUnavailable(error) => t!(
            "Saved connections are not available: %{error}",
            error = error
        )
        .into_owned(),
        AppNotice::StoreLoaded(text) | AppNotice::LibraryLoaded(text) => tr(text),
        AppNotice::LibraryMessageInvalid { name, problems } => t!(
            "The saved message \"%{name}\" cannot be sent: %{problems} Load it, fix it and save it again.",
            name = name,
            problems = problems.join(" ")
        )
        .into_owned(),
        AppNotice::ProfilesExported {
            path,
            result: Ok(count),
        } => t!(
            "%{count} connections were exported to %{path}.",
            count = count,
            path = path.display()
        )
        .into_owned(),
        AppNotice::ProfilesExported {
            path,
            result: Err(error),
        } => t!(
            "The connections could not be exported to %{path}: %{error}",
            path = path.display(),
            error = error
        )
        .into_owned(),
        AppNotice::ProfilesImported {
            source,
            names,
            not_mapped,
        } => {
            let from = match source {
                crate::profiles::ImportSource::Mqscope => "mqscope",
                crate::profiles::ImportSource::Mqttx => "MQTTX",
                crate::profiles::ImportSource::MqttExplorer => "MQTT Explorer",
            };
            let mut text = t!(
                "Imported %{count} connections from %{from}: %{names}. They are in the Start from list.",
                count = names.len(),
                from = from,
                names = names.join(", ")
            )
            .into_owned();
            for (name, missed) in not_mapped {
                text.push(' ');
                text.push_str(&t!(
                    "Not carried over for %{name}: %{missed}.",
                    name = name,
                    missed = missed.join("; ")
                ));
            }
            text
        }
        AppNotice::ProfilesNotImported { path, error } => t!(
            "%{path} was not imported: %{error}",
            path = path.display(),
            error = tr(error)
        )
        .into_owned(),
        AppNotice::LibraryNotSaved(error) => {
            t!("The message library could not be saved: %{error}", error = error).into_owned()
        }
        AppNotice::SavingUnavailable => {
            t!("Saved connections are not available on this computer.").into_owned()
        }
        AppNotice::ProfilesNotSaved(error) => {
            t!("The connection could not be saved: %{error}", error = error).into_owned()
        }
        AppNotice::PasswordSaved => t!("The password was saved in the system keyring.").into_owned(),
        AppNotice::CertificateTrusted(fingerprint) => t!(
            "This connection now trusts the one certificate with the SHA-256 fingerprint %{fingerprint}, and checks it on every connect. It is under Advanced > TLS > Trusted certificate; clear it there to trust the certificate authorities again.",
            fingerprint = fingerprint
        )
        .into_owned(),
        AppNotice::PasswordNotSaved(error) => t!(
            "The password was not saved: %{error}. It is used for this connection only.",
            error = error
        )
        .into_owned(),
        AppNotice::KeyPassphraseNotSaved(error) => t!(
            "The key passphrase was not saved: %{error}. It is used for this run only.",
            error = error
        )
        .into_owned(),
        AppNotice::PasswordNotRead(error) => t!(
            "The saved password could not be read: %{error}. Connecting without a password; type it in the connection settings.",
            error = error
        )
        .into_owned(),
        AppNotice::PasswordNotDeleted(error) => t!(
            "The deleted connection's password is still in the system keyring: %{error}",
            error = error
        )
        .into_owned(),
        AppNotice::LaunchUrl { url, error } => t!(
            "--connect %{url}: %{error}",
            url = url,
            error = error
        )
        .into_owned(),
        AppNotice::ProfileInvalid(error) => tr(&error.to_string()),
        AppNotice::NetworkThread(error) => {
            t!("The network thread could not start: %{error}", error = error).into_owned()
        }
        #[cfg(feature = "builtin-broker")]
        AppNotice::BuiltinBrokerFailed(error) => t!(
            "The built-in broker did not start: %{error}",
            error = broker_error(error)
        )
        .into_owned(),
        AppNotice::PayloadSaved { path, result: Ok(()) } => t!(
            "The payload was saved to %{path}.",
            path = path.display()
        )
        .into_owned(),
        AppNotice::PayloadSaved {
            path,
            result: Err(reason),
        } => t!(
            "The payload could not be saved to %{path}: %{reason}",
            path = path.display(),
            reason = reason
        )
        .into_owned(),
        AppNotice::Exported {
            path,
            result: Ok(count),
        } => t!(
            "Messages written to %{path}: %{count}",
            path = path.display(),
            count = count
        )
        .into_owned(),
        AppNotice::Exported {
            path,
            result: Err(kind),
        } => t!(
            "The messages could not be written to %{path}: %{reason}",
            path = path.display(),
            reason = file_error(*kind)
        )
        .into_owned(),
        AppNotice::DecodersNotReady(error) => schema_error(error),
        AppNotice::RecordingNotOpened { path, error } => {
            format!("{}: {}", path.display(), recording_open_error(error))
        }
        AppNotice::Recording { path, error } => {
            format!("{} {}", path.display(), record_error(error))
        }
        AppNotice::WorkerUnavailable => t!(
            "mqscope's background worker is not running, so nothing can be saved. Restart mqscope."
        )
        .into_owned(),
    }
}

/// A connection's notice.
pub fn model_notice(notice: &Notice) -> String {
    match &notice.kind {
        NoticeKind::Ended(reason) => end_reason(reason),
        NoticeKind::PublishRefused(reason) => t!(
            "The broker did not accept a message: %{reason}",
            reason = broker_reason(reason)
        )
        .into_owned(),
        NoticeKind::PublishFailed(error) => t!(
            "A message was not sent: %{error}",
            error = session_error(error)
        )
        .into_owned(),
        NoticeKind::RequestFailed(error) => session_error(error),
        NoticeKind::BudgetTookKeptState => t!(
            "The memory budget is full: retained values and the selected topic had to be dropped too. Raise the budget in the Messages tab, or subscribe to less."
        )
        .into_owned(),
        NoticeKind::SubscriptionRefused {
            filter,
            reason_code,
            reason_string,
        } => {
            let mut text = t!(
                "The broker refused the subscription to \"%{filter}\": %{meaning} (%{code})",
                filter = filter,
                meaning = tr(reason_code.meaning()),
                code = reason_code
            )
            .into_owned();
            if let Some(reason) = reason_string {
                text.push(' ');
                text.push_str(&t!("The broker says: \"%{reason}\".", reason = reason));
            }
            text
        }
    }
}

/// Why a connection is not up, in one or two sentences.
pub fn end_reason(reason: &EndReason) -> String {
    match reason {
        EndReason::Closed(reason) => close_reason(reason),
        EndReason::ConnectFailed(error) => connect_error(error),
        EndReason::Stopped => t!("Disconnected.").into_owned(),
    }
}

/// Who ended a connection and why.
pub fn close_reason(reason: &CloseReason) -> String {
    match reason {
        CloseReason::ClientRequest { .. } => t!("Disconnected at your request.").into_owned(),
        CloseReason::Refused(reason) => t!(
            "The broker refused the connection. %{reason}",
            reason = broker_reason(reason)
        )
        .into_owned(),
        CloseReason::BrokerDisconnect(reason) => t!(
            "The broker closed the connection. %{reason}",
            reason = broker_reason(reason)
        )
        .into_owned(),
        CloseReason::ProtocolViolation {
            violation: what,
            reason_code,
        } => t!(
            "The broker broke the MQTT protocol (%{detail}); mqscope closed the connection with %{code}.",
            detail = violation(what),
            code = reason_code
        )
        .into_owned(),
        CloseReason::ConnAckTimeout { waited_ms } => t!(
            "The broker did not answer the CONNECT within %{secs} s.",
            secs = format!("{:.1}", *waited_ms as f64 / 1000.0)
        )
        .into_owned(),
        CloseReason::KeepAliveTimeout { waited_ms } => t!(
            "The broker stopped answering: no PINGRESP within %{secs} s of a PINGREQ.",
            secs = format!("{:.1}", *waited_ms as f64 / 1000.0)
        )
        .into_owned(),
        CloseReason::ConnectionLost { detail } => t!(
            "The network connection was lost: %{detail}.",
            detail = detail
        )
        .into_owned(),
    }
}

/// A broker's reason code with its Reason String and Server Reference.
pub fn broker_reason(reason: &BrokerReason) -> String {
    let mut text = format!(
        "{} ({})",
        tr(reason.reason_code.meaning()),
        reason.reason_code
    );
    if let Some(said) = &reason.reason_string {
        text.push(' ');
        text.push_str(&t!("The broker says: \"%{reason}\".", reason = said));
    }
    if let Some(server) = &reason.server_reference {
        text.push(' ');
        text.push_str(&t!("It suggests the server %{server}.", server = server));
    }
    text
}

/// How the broker broke the protocol.
pub fn violation(violation: &Violation) -> String {
    match violation {
        Violation::BeforeConnAck(packet) => {
            t!("it sent %{packet} before CONNACK", packet = packet).into_owned()
        }
        Violation::UnexpectedPacket(packet) => t!(
            "it sent %{packet}, which only a client may send or which may come only once",
            packet = packet
        )
        .into_owned(),
        Violation::AuthenticationStep => {
            t!("it asked for a step of enhanced authentication, which mqscope does not support")
                .into_owned()
        }
        Violation::AuthWithoutMethod => {
            t!("it sent AUTH although no authentication method was requested").into_owned()
        }
        Violation::TopicAliasTooLarge { alias, maximum } => t!(
            "it used topic alias %{alias}, above the maximum of %{maximum} mqscope allowed",
            alias = alias,
            maximum = maximum
        )
        .into_owned(),
        Violation::TopicAliasUnknown { alias } => t!(
            "it used topic alias %{alias} before saying which topic it stands for",
            alias = alias
        )
        .into_owned(),
        Violation::ReceiveMaximumExceeded { maximum } => t!(
            "it sent more than Receive Maximum (%{maximum}) unacknowledged QoS 2 messages",
            maximum = maximum
        )
        .into_owned(),
        Violation::WrongResultCount {
            packet,
            results,
            filters,
        } => t!(
            "its %{packet} has %{results} results for %{filters} topic filters",
            packet = packet,
            results = results,
            filters = filters
        )
        .into_owned(),
        Violation::ResumedAfterCleanStart => {
            t!("it said a session was resumed although mqscope asked for a clean start")
                .into_owned()
        }
        Violation::Malformed(error) => error.to_string(),
        Violation::CannotEncode { packet, error } => t!(
            "mqscope could not encode a %{packet}: %{error}",
            packet = packet,
            error = error
        )
        .into_owned(),
    }
}

/// Why the session refused a request before sending it.
pub fn session_error(error: &SessionError) -> String {
    match error {
        SessionError::QosNotSupported { requested, maximum } => t!(
            "the broker accepts messages up to QoS %{maximum}; this one asks for QoS %{requested}",
            maximum = maximum,
            requested = requested
        )
        .into_owned(),
        SessionError::RetainNotSupported => {
            t!("the broker does not support retained messages (Retain Available is 0)").into_owned()
        }
        SessionError::TopicAliasTooLarge { alias, maximum } => t!(
            "topic alias %{alias} is above the broker's Topic Alias Maximum of %{maximum}",
            alias = alias,
            maximum = maximum
        )
        .into_owned(),
        SessionError::FeatureNotAvailable { feature } => t!(
            "the broker does not support %{feature}",
            feature = feature_name(feature)
        )
        .into_owned(),
        SessionError::NoPacketIdentifier => {
            t!("all 65 535 packet identifiers are in use; wait for acknowledgments").into_owned()
        }
        SessionError::NotConnected => t!("not connected").into_owned(),
        SessionError::SessionNotResumed => t!(
            "the broker did not resume the session, so this message was discarded before it was acknowledged"
        )
        .into_owned(),
        // Codec rules quote the specification; they stay as the codec words them.
        other => other.to_string(),
    }
}

/// A subscription feature the session names, in words.
fn feature_name(feature: &str) -> String {
    match feature {
        "subscription identifiers" => t!("subscription identifiers").into_owned(),
        "shared subscriptions" => t!("shared subscriptions").into_owned(),
        "wildcard subscriptions" => t!("wildcard subscriptions").into_owned(),
        other => other.to_owned(),
    }
}

/// A connection that could not be set up, as a sentence.
pub fn connect_error(error: &ConnectError) -> String {
    match error {
        ConnectError::Resolve { host, detail } => t!(
            "The host name \"%{host}\" did not resolve to an address (%{detail}); check its spelling and the network.",
            host = host,
            detail = detail
        )
        .into_owned(),
        ConnectError::Refused { address } => t!(
            "The connection to %{address} was refused: no broker is listening there; check the host and port.",
            address = address
        )
        .into_owned(),
        ConnectError::Network { address, detail } => t!(
            "Could not connect to %{address}: %{detail}.",
            address = address,
            detail = detail
        )
        .into_owned(),
        ConnectError::Timeout { address, secs } => t!(
            "No connection to %{address} within %{secs} s; the broker may be down or a firewall may block the port.",
            address = address,
            secs = secs
        )
        .into_owned(),
        ConnectError::Tls(failure) => tls_failure(failure),
        ConnectError::WebSocket(detail) => t!(
            "The WebSocket handshake failed: %{detail}.",
            detail = detail
        )
        .into_owned(),
        ConnectError::ClosedDuringHandshake { address } => t!(
            "%{address} closed the connection during the handshake; is it the right port for this transport?",
            address = address
        )
        .into_owned(),
    }
}

/// A TLS failure in plain words, with the next step in the window.
pub fn tls_failure(failure: &TlsFailure) -> String {
    match failure {
        TlsFailure::Setup(error) => tls_setup_error(error),
        TlsFailure::Untrusted { problem, presented } => {
            let mut text = t!(
                "The broker's certificate is not trusted: %{problem}.",
                problem = certificate_problem(problem)
            )
            .into_owned();
            if let Some(fingerprint) = presented {
                text.push(' ');
                text.push_str(&t!(
                    "Its SHA-256 fingerprint is %{fingerprint}. If you know it is your broker's, choose \"Trust this certificate\".",
                    fingerprint = fingerprint
                ));
            }
            text
        }
        TlsFailure::AlertReceived(alert) => t!(
            "The broker ended the TLS handshake with the alert %{alert}: it may require a client certificate, or not accept the one given (Advanced > TLS).",
            alert = alert
        )
        .into_owned(),
        TlsFailure::Other(detail) => sentence(&t!("TLS failed: %{detail}", detail = detail)),
    }
}

/// Why a broker certificate was refused, as the end of a sentence.
pub fn certificate_problem(problem: &CertificateProblem) -> String {
    match problem {
        CertificateProblem::UnknownIssuer => t!("it is not signed by a certificate authority mqscope trusts (choose the authority's certificate as the CA file under Advanced > TLS)").into_owned(),
        CertificateProblem::Expired => t!("it has expired").into_owned(),
        CertificateProblem::NotValidYet => {
            t!("it is not valid yet (check the clock of this computer)").into_owned()
        }
        CertificateProblem::WrongName => t!("it was issued for another host name (if the broker is known by another name, enter it as the server name under Advanced > TLS)").into_owned(),
        CertificateProblem::Revoked => t!("it has been revoked").into_owned(),
        CertificateProblem::Version1 => t!(
            "it is an X.509 version 1 certificate (what `openssl x509 -req` makes without extensions), which cannot say which host it is for. Make it again with a subjectAltName, for example: %{command}",
            command = "openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 365 -extfile <(printf \"subjectAltName=DNS:localhost,IP:127.0.0.1\")"
        )
        .into_owned(),
        CertificateProblem::AuthorityAsServer => t!("it is a certificate authority's own certificate used as the broker's (what `openssl req -x509` makes by default), which is never trusted that way. Trust this one certificate by its fingerprint, or give the broker a certificate signed by that authority").into_owned(),
        CertificateProblem::BadSignature => t!("its signature is wrong").into_owned(),
        CertificateProblem::NotThePinnedOne => t!("it is not the certificate trusted by its fingerprint (the broker's certificate changed, or another server answered)").into_owned(),
        CertificateProblem::Other(detail) => detail.clone(),
    }
}

/// TLS settings that could not be used, in plain words.
pub fn tls_setup_error(error: &TlsSetupError) -> String {
    match error {
        TlsSetupError::File { what, path, detail } => t!(
            "The %{what} file %{path} cannot be used: %{detail}.",
            what = tr(what),
            path = path,
            detail = detail
        )
        .into_owned(),
        TlsSetupError::IncompleteClientCertificate => t!("A client certificate needs its private key: choose the key file too, or a .p12 bundle that holds both.").into_owned(),
        TlsSetupError::NoRoots(detail) => t!(
            "There are no trusted certificate authorities: %{detail}. Choose a CA file under Advanced > TLS.",
            detail = detail
        )
        .into_owned(),
        TlsSetupError::Rustls(detail) => {
            sentence(&t!("TLS setup failed: %{detail}", detail = detail))
        }
        TlsSetupError::ServerName(name) => t!(
            "\"%{name}\" is not a valid server name for TLS. Enter a host name or leave the field empty.",
            name = name
        )
        .into_owned(),
        TlsSetupError::NeedsPassphrase { path } => t!(
            "%{path} is protected by a passphrase: type it as the key passphrase under Advanced > TLS.",
            path = path
        )
        .into_owned(),
        TlsSetupError::WrongPassphrase { path } => t!(
            "The key passphrase does not open %{path}; type it again under Advanced > TLS.",
            path = path
        )
        .into_owned(),
        TlsSetupError::LegacyEncryptedKey { path } => t!(
            "%{path} is encrypted in the old OpenSSL format, which mqscope cannot read. Convert it once with: %{command}",
            path = path,
            command = "openssl pkcs8 -topk8 -in old.key -out new.key"
        )
        .into_owned(),
        TlsSetupError::Pkcs12 { path, detail } => t!(
            "The PKCS#12 bundle %{path} cannot be read: %{detail}.",
            path = path,
            detail = detail
        )
        .into_owned(),
        TlsSetupError::UnsupportedKey(detail) => t!(
            "The client key cannot be used: %{detail}. mqscope signs with RSA, ECDSA (P-256, P-384) and Ed25519 keys.",
            detail = detail
        )
        .into_owned(),
    }
}

/// Why the built-in broker did not start, with what to do about it.
#[cfg(feature = "builtin-broker")]
pub fn broker_error(error: &crate::broker::BrokerError) -> String {
    use crate::broker::BrokerError;
    match error {
        BrokerError::PortTaken { listener, port } => t!(
            "port %{port} (for %{listener}) is already in use; choose another one or leave the option out to take the next free port",
            port = port,
            listener = listener_name(*listener)
        )
        .into_owned(),
        BrokerError::NoFreePort { listener, from } => t!(
            "no free port for %{listener} from %{from} on; give one with -p or --ws-port",
            listener = listener_name(*listener),
            from = from
        )
        .into_owned(),
        BrokerError::NeedsCredentials { listen } => t!(
            "listening on %{listen} lets other computers in; give a user name and password with -u and -P (or --allow-anonymous on purpose)",
            listen = listen
        )
        .into_owned(),
        BrokerError::Start(detail) => {
            t!("the broker could not start: %{detail}", detail = detail).into_owned()
        }
    }
}

/// A listener of the built-in broker by name.
#[cfg(feature = "builtin-broker")]
pub fn listener_name(listener: crate::broker::Listener) -> &'static str {
    match listener {
        crate::broker::Listener::Mqtt => "MQTT",
        crate::broker::Listener::WebSocket => "WebSocket",
    }
}

/// `detail` as a sentence: a capital first letter and a full stop.
fn sentence(detail: &str) -> String {
    let mut chars = detail.chars();
    let mut text: String = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    };
    if !text.ends_with(['.', '?']) {
        text.push('.');
    }
    text
}

/// Why a payload file cannot be sent, with its path.
pub fn payload_file_error(path: &std::path::Path, error: &PayloadFileError) -> String {
    let path = path.display().to_string();
    match error {
        PayloadFileError::Read(error) => {
            t!("Cannot read %{path}: %{error}", path = path, error = error).into_owned()
        }
        PayloadFileError::TooLarge { size, limit } => t!(
            "%{path} holds %{size} bytes; an MQTT message holds at most %{limit}. Choose a smaller file.",
            path = path,
            size = size,
            limit = limit
        )
        .into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use std::time::SystemTime;

    use super::*;
    use crate::proto::{Properties, Property, ReasonCode};

    #[test]
    fn a_refusal_names_the_code_its_meaning_and_what_the_broker_said() {
        let reason = BrokerReason::new(
            ReasonCode::BadUserNameOrPassword,
            &Properties::new()
                .with(Property::ReasonString("wrong password".into()))
                .with(Property::ServerReference("backup:1883".into())),
        );
        let text = close_reason(&CloseReason::Refused(reason));
        assert!(
            text.starts_with("The broker refused the connection."),
            "{text}"
        );
        assert!(text.contains("0x86"), "{text}");
        assert!(
            text.contains(ReasonCode::BadUserNameOrPassword.meaning()),
            "{text}"
        );
        assert!(text.contains("\"wrong password\""), "{text}");
        assert!(text.contains("backup:1883"), "{text}");
    }

    #[test]
    fn timeouts_and_violations_say_what_was_missing() {
        let text = close_reason(&CloseReason::KeepAliveTimeout { waited_ms: 1500 });
        assert!(
            text.contains("PINGRESP") && text.contains("1.5 s"),
            "{text}"
        );
        let text = close_reason(&CloseReason::ProtocolViolation {
            violation: Violation::WrongResultCount {
                packet: crate::proto::PacketType::SubAck,
                results: 1,
                filters: 2,
            },
            reason_code: ReasonCode::ProtocolError,
        });
        assert!(text.contains("SUBACK has 1 results for 2"), "{text}");
        assert!(text.contains("0x82"), "{text}");
        let text = close_reason(&CloseReason::ProtocolViolation {
            violation: Violation::AuthenticationStep,
            reason_code: ReasonCode::BadAuthenticationMethod,
        });
        assert!(text.contains("does not support"), "{text}");
    }

    #[test]
    fn notices_carry_the_filter_and_the_brokers_words() {
        let notice = Notice {
            kind: NoticeKind::SubscriptionRefused {
                filter: "#".into(),
                reason_code: ReasonCode::NotAuthorized,
                reason_string: Some("no wildcard for you".into()),
            },
            at: SystemTime::now(),
        };
        let text = model_notice(&notice);
        assert!(
            text.contains("\"#\"") && text.contains("0x87 Not authorized"),
            "{text}"
        );
        assert!(text.contains("no wildcard for you"), "{text}");
        let notice = Notice {
            kind: NoticeKind::PublishFailed(SessionError::SessionNotResumed),
            at: SystemTime::now(),
        };
        assert!(
            model_notice(&notice).starts_with("A message was not sent: the broker did not resume")
        );
    }

    #[test]
    fn connect_errors_are_sentences() {
        let text = connect_error(&ConnectError::Refused {
            address: "127.0.0.1:1".into(),
        });
        assert!(
            text.starts_with("The connection to 127.0.0.1:1 was refused"),
            "{text}"
        );
        assert!(text.ends_with('.'), "{text}");
        assert_eq!(
            connect_error(&ConnectError::Tls(crate::net::TlsFailure::Other(
                "invalid peer certificate: UnknownIssuer".into()
            ))),
            "TLS failed: invalid peer certificate: UnknownIssuer."
        );
        assert_eq!(end_reason(&EndReason::Stopped), "Disconnected.");
    }
}
