//! What went wrong in TLS, as typed values; `ui::words` words them.

use std::fmt;

use rustls::CertificateError;

use super::{Fingerprint, TlsSetupError, verify::PinMismatch};

/// Why a broker's certificate was not accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CertificateProblem {
    /// Not signed by an authority mqscope trusts (a self-signed one, say).
    UnknownIssuer,
    /// Past its end date.
    Expired,
    /// Before its start date (often this computer's clock).
    NotValidYet,
    /// Issued for another host name.
    WrongName,
    /// Revoked by its authority.
    Revoked,
    /// An X.509 version 1 certificate, which cannot name its host.
    Version1,
    /// A certificate authority's own certificate presented as the broker's
    /// (what `openssl req -x509` makes by default).
    AuthorityAsServer,
    /// Its signature does not verify.
    BadSignature,
    /// Not the one trusted by its fingerprint.
    NotThePinnedOne,
    /// Something else, in rustls's words.
    Other(String),
}

/// A TLS failure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TlsFailure {
    /// The settings could not be used (a file, a key, a name).
    Setup(TlsSetupError),
    /// The broker's certificate was refused; `presented` is its SHA-256
    /// fingerprint, for trusting that one certificate on purpose.
    Untrusted {
        /// Why.
        problem: CertificateProblem,
        /// The certificate the broker presented.
        presented: Option<Fingerprint>,
    },
    /// The broker ended the handshake with an alert (often: it wants a
    /// client certificate, or refused the one given).
    AlertReceived(String),
    /// Anything else, in rustls's words.
    Other(String),
}

impl TlsFailure {
    /// The failure for a rustls error; `presented` is what the verifier saw.
    pub fn from_rustls(error: &rustls::Error, presented: Option<Fingerprint>) -> TlsFailure {
        match error {
            rustls::Error::InvalidCertificate(cert) => TlsFailure::Untrusted {
                problem: problem_of(cert),
                presented,
            },
            rustls::Error::AlertReceived(alert) => TlsFailure::AlertReceived(format!("{alert:?}")),
            other => TlsFailure::Other(other.to_string()),
        }
    }
}

fn problem_of(error: &CertificateError) -> CertificateProblem {
    match error {
        CertificateError::UnknownIssuer => CertificateProblem::UnknownIssuer,
        CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
            CertificateProblem::Expired
        }
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
            CertificateProblem::NotValidYet
        }
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
            CertificateProblem::WrongName
        }
        CertificateError::Revoked => CertificateProblem::Revoked,
        CertificateError::BadSignature => CertificateProblem::BadSignature,
        CertificateError::Other(other) => {
            if other.0.downcast_ref::<PinMismatch>().is_some() {
                CertificateProblem::NotThePinnedOne
            } else if format!("{other:?}").contains("UnsupportedCertVersion") {
                CertificateProblem::Version1
            } else if format!("{other:?}").contains("CaUsedAsEndEntity") {
                CertificateProblem::AuthorityAsServer
            } else {
                CertificateProblem::Other(other.to_string())
            }
        }
        other => CertificateProblem::Other(format!("{other:?}")),
    }
}

impl fmt::Display for CertificateProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CertificateProblem::UnknownIssuer => f.write_str(
                "it is not signed by a certificate authority mqscope trusts (give the authority's certificate with --cafile)",
            ),
            CertificateProblem::Expired => f.write_str("it has expired"),
            CertificateProblem::NotValidYet => {
                f.write_str("it is not valid yet (check the clock of this computer)")
            }
            CertificateProblem::WrongName => f.write_str("it was issued for another host name"),
            CertificateProblem::Revoked => f.write_str("it has been revoked"),
            CertificateProblem::Version1 => f.write_str(
                "it is an X.509 version 1 certificate (what `openssl x509 -req` makes without extensions), which cannot say which host it is for. Make it again with a subjectAltName, for example: openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 365 -extfile <(printf \"subjectAltName=DNS:localhost,IP:127.0.0.1\")",
            ),
            CertificateProblem::AuthorityAsServer => f.write_str(
                "it is a certificate authority's own certificate used as the broker's (what `openssl req -x509` makes by default), which is never trusted that way. Trust this one certificate by its fingerprint, or give the broker a certificate signed by that authority",
            ),
            CertificateProblem::BadSignature => f.write_str("its signature is wrong"),
            CertificateProblem::NotThePinnedOne => f.write_str(
                "it is not the certificate trusted by its fingerprint (the broker's certificate changed, or another server answered)",
            ),
            CertificateProblem::Other(detail) => f.write_str(detail),
        }
    }
}

impl fmt::Display for TlsFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TlsFailure::Setup(error) => write!(f, "{error}"),
            TlsFailure::Untrusted { problem, presented } => {
                write!(f, "the broker's certificate is not trusted: {problem}")?;
                if let Some(fingerprint) = presented {
                    write!(
                        f,
                        ". Its SHA-256 fingerprint is {fingerprint}; if you know it is your broker's, trust this one certificate (--trust-fingerprint {fingerprint})"
                    )?;
                }
                Ok(())
            }
            TlsFailure::AlertReceived(alert) => write!(
                f,
                "the broker ended the TLS handshake with the alert {alert} (it may require a client certificate, or not accept the one given)"
            ),
            TlsFailure::Other(detail) => write!(f, "TLS failed: {detail}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn refused(error: webpki::Error) -> CertificateProblem {
        let rustls_error = rustls::Error::InvalidCertificate(CertificateError::Other(
            rustls::OtherError(Arc::new(error)),
        ));
        match TlsFailure::from_rustls(&rustls_error, None) {
            TlsFailure::Untrusted { problem, .. } => problem,
            other => panic!("not a refusal: {other:?}"),
        }
    }

    #[test]
    fn self_made_certificates_are_named_for_what_they_are() {
        assert_eq!(
            refused(webpki::Error::CaUsedAsEndEntity),
            CertificateProblem::AuthorityAsServer
        );
        assert_eq!(
            refused(webpki::Error::UnsupportedCertVersion),
            CertificateProblem::Version1
        );
        assert!(
            CertificateProblem::AuthorityAsServer
                .to_string()
                .contains("openssl req -x509")
        );
    }
}
