//! How the broker's certificate is checked: by the trusted authorities (and
//! the fingerprint of a refused certificate kept, so the person can choose to
//! trust it), by one pinned SHA-256 fingerprint, or not at all on request.
//! Handshake signatures are always checked, with the key taken from the
//! certificate itself, so X.509 version 1 certificates work when trusted.

use std::sync::{Arc, Mutex};

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, ServerName, SubjectPublicKeyInfoDer, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, Error, SignatureScheme};

use super::Fingerprint;

/// The certificate the broker presented, when checking it failed.
pub type PresentedSlot = Arc<Mutex<Option<Fingerprint>>>;

/// What makes a broker certificate trusted.
#[derive(Debug)]
pub enum Trust {
    /// A chain to one of the trusted certificate authorities, for the name.
    Authorities(Arc<WebPkiServerVerifier>),
    /// Exactly this certificate, by its SHA-256 fingerprint, whoever signed
    /// it and whatever names it holds.
    Fingerprint(Fingerprint),
    /// Any certificate: the `--insecure` choice.
    Anything,
}

/// The broker certificate check for one connection. A refused
/// certificate's fingerprint is kept in `presented`; handshake signatures
/// are checked with the certificate's own key whatever the trust.
#[derive(Debug)]
pub struct CertificateCheck {
    trust: Trust,
    provider: Arc<CryptoProvider>,
    presented: PresentedSlot,
}

impl CertificateCheck {
    /// Check certificates by `trust`, signatures with `provider`'s
    /// algorithms.
    pub fn new(
        trust: Trust,
        provider: Arc<CryptoProvider>,
        presented: PresentedSlot,
    ) -> CertificateCheck {
        CertificateCheck {
            trust,
            provider,
            presented,
        }
    }

    fn refused(&self, end_entity: &CertificateDer<'_>) {
        if let Ok(mut slot) = self.presented.lock() {
            *slot = Some(Fingerprint::of(end_entity));
        }
    }
}

/// The error a certificate other than the pinned one gets.
pub const PIN_MISMATCH: &str = "the certificate is not the one trusted by its fingerprint";

impl ServerCertVerifier for CertificateCheck {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        let verdict = match &self.trust {
            Trust::Authorities(inner) => {
                inner.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
            }
            Trust::Fingerprint(pinned) if Fingerprint::of(end_entity) == *pinned => {
                Ok(ServerCertVerified::assertion())
            }
            Trust::Fingerprint(_) => Err(Error::InvalidCertificate(CertificateError::Other(
                rustls::OtherError(Arc::new(PinMismatch)),
            ))),
            Trust::Anything => Ok(ServerCertVerified::assertion()),
        };
        if verdict.is_err() {
            self.refused(end_entity);
        }
        verdict
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        verify_tls12_with_key(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        let spki = public_key_of(cert)?;
        rustls::crypto::verify_tls13_signature_with_raw_key(
            message,
            &spki,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// A certificate other than the pinned one.
#[derive(Debug)]
pub struct PinMismatch;

impl std::fmt::Display for PinMismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(PIN_MISMATCH)
    }
}

impl std::error::Error for PinMismatch {}

/// The subject public key of a certificate of any X.509 version.
fn public_key_of(cert: &CertificateDer<'_>) -> Result<SubjectPublicKeyInfoDer<'static>, Error> {
    let (_, parsed) = x509_parser::parse_x509_certificate(cert.as_ref())
        .map_err(|_| Error::InvalidCertificate(CertificateError::BadEncoding))?;
    Ok(SubjectPublicKeyInfoDer::from(
        parsed.public_key().raw.to_vec(),
    ))
}

/// A TLS 1.2 handshake signature checked with the certificate's key: TLS 1.2
/// names only the hash and the key type, so each algorithm for the scheme is
/// tried in turn.
fn verify_tls12_with_key(
    message: &[u8],
    cert: &CertificateDer<'_>,
    dss: &DigitallySignedStruct,
    supported: &WebPkiSupportedAlgorithms,
) -> Result<HandshakeSignatureValid, Error> {
    let spki = public_key_of(cert)?;
    let key = webpki::RawPublicKeyEntity::try_from(&spki)
        .map_err(|_| Error::InvalidCertificate(CertificateError::BadEncoding))?;
    let candidates = supported
        .mapping
        .iter()
        .find(|(scheme, _)| *scheme == dss.scheme)
        .map(|(_, algorithms)| *algorithms)
        .ok_or(Error::PeerMisbehaved(
            rustls::PeerMisbehaved::SignedHandshakeWithUnadvertisedSigScheme,
        ))?;
    for algorithm in candidates {
        if key
            .verify_signature(*algorithm, message, dss.signature())
            .is_ok()
        {
            return Ok(HandshakeSignatureValid::assertion());
        }
    }
    Err(Error::InvalidCertificate(CertificateError::BadSignature))
}
