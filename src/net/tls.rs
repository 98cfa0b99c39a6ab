//! TLS settings and the rustls client configuration built from them.

mod failure;
mod fingerprint;
mod identity;
mod verify;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, RootCertStore};

pub use failure::{CertificateProblem, TlsFailure};
pub use fingerprint::{Fingerprint, FingerprintError};
pub use identity::is_named_pkcs12;
use identity::load_identity;

pub use verify::PresentedSlot;
use verify::{CertificateCheck, Trust};

/// How to secure a connection.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TlsOptions {
    /// Trust only the certificate authorities in this PEM file.
    pub ca_file: Option<PathBuf>,
    /// Also trust the operating system's certificate store.
    pub use_os_roots: bool,
    /// A client certificate to present: PEM, or a PKCS#12 bundle
    /// (`.p12`/`.pfx`) that holds its key too.
    pub client_cert: Option<PathBuf>,
    /// The private key (PEM, plain or encrypted PKCS#8) of a PEM certificate.
    pub client_key: Option<PathBuf>,
    /// The passphrase of an encrypted key or of a PKCS#12 bundle.
    pub key_passphrase: Option<Passphrase>,
    /// The name to ask for and check (SNI); the host name when `None`.
    pub server_name: Option<String>,
    /// ALPN protocols to offer, e.g. `mqtt` or `x-amzn-mqtt-ca`.
    pub alpn: Vec<String>,
    /// Do not verify the broker's certificate. Anyone on the path can then read
    /// and change the traffic; only for testing.
    pub skip_verification: bool,
    /// Trust exactly the certificate with this SHA-256 fingerprint, whoever
    /// signed it (a safe choice for a broker with a self-made certificate).
    pub trusted_fingerprint: Option<Fingerprint>,
}

/// A passphrase, never shown in debug output.
#[derive(Clone, PartialEq, Eq)]
pub struct Passphrase(pub String);

impl std::fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Passphrase(hidden, {} bytes)", self.0.len())
    }
}

/// Why TLS could not be set up.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TlsSetupError {
    /// A file could not be read or holds no usable PEM data.
    #[error("cannot use {what} file {path}: {detail}")]
    File {
        /// What the file was for.
        what: &'static str,
        /// The path.
        path: String,
        /// Why.
        detail: String,
    },
    /// A client certificate without its key, or the other way round.
    #[error("a client certificate needs both --cert and --key")]
    IncompleteClientCertificate,
    /// No trusted root certificates at all.
    #[error("no trusted certificate authorities: {0}")]
    NoRoots(String),
    /// rustls refused the configuration.
    #[error("TLS setup failed: {0}")]
    Rustls(String),
    /// The name cannot be used for SNI and certificate checks.
    #[error("\"{0}\" is not a valid server name for TLS")]
    ServerName(String),
    /// The key or bundle is protected and no passphrase was given.
    #[error("{path} is protected by a passphrase; give it")]
    NeedsPassphrase {
        /// The key or bundle.
        path: String,
    },
    /// The passphrase does not open the key or bundle.
    #[error("the passphrase does not open {path}")]
    WrongPassphrase {
        /// The key or bundle.
        path: String,
    },
    /// A key encrypted the old OpenSSL way (`Proc-Type: 4,ENCRYPTED`).
    #[error("{path} is encrypted in the old OpenSSL format; convert it with openssl pkcs8 -topk8")]
    LegacyEncryptedKey {
        /// The key.
        path: String,
    },
    /// A PKCS#12 bundle that could not be read.
    #[error("cannot read the PKCS#12 bundle {path}: {detail}")]
    Pkcs12 {
        /// The bundle.
        path: String,
        /// Why.
        detail: String,
    },
    /// A key of a kind rustls cannot sign with.
    #[error("the client key cannot be used: {0}")]
    UnsupportedKey(String),
}

fn file_error(what: &'static str, path: &Path, detail: impl ToString) -> TlsSetupError {
    TlsSetupError::File {
        what,
        path: path.display().to_string(),
        detail: detail.to_string(),
    }
}

/// Read the certificates of a PEM file.
pub fn load_certificates(
    path: &Path,
    what: &'static str,
) -> Result<Vec<CertificateDer<'static>>, TlsSetupError> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
        .map_err(|e| file_error(what, path, e))?
        .collect::<Result<_, _>>()
        .map_err(|e| file_error(what, path, e))?;
    if certs.is_empty() {
        return Err(file_error(what, path, "it contains no PEM certificate"));
    }
    Ok(certs)
}

/// The rustls configuration for `options`. `presented` receives the
/// fingerprint of a broker certificate that was refused.
pub fn client_config(
    options: &TlsOptions,
    presented: PresentedSlot,
) -> Result<Arc<ClientConfig>, TlsSetupError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let key_provider = provider.key_provider;
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsSetupError::Rustls(e.to_string()))?;
    let trust = match (options.skip_verification, options.trusted_fingerprint) {
        (true, _) => Trust::Anything,
        (false, Some(pinned)) => Trust::Fingerprint(pinned),
        (false, None) => Trust::Authorities(
            WebPkiServerVerifier::builder_with_provider(
                Arc::new(root_store(options)?),
                provider.clone(),
            )
            .build()
            .map_err(|e| TlsSetupError::Rustls(e.to_string()))?,
        ),
    };
    let builder = builder
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(CertificateCheck::new(
            trust, provider, presented,
        )));
    let mut config = match (&options.client_cert, &options.client_key) {
        (Some(cert), key) => {
            let passphrase = options.key_passphrase.as_ref().map(|p| p.0.as_str());
            let identity = load_identity(cert, key.as_deref(), passphrase)?;
            // Not `with_client_auth_cert`: it parses the certificate to check
            // it matches the key, and that parser refuses X.509 version 1
            // certificates, which `openssl x509 -req` makes by default (as
            // mosquitto's TLS guide does). The broker verifies the
            // certificate; the client only has to present it.
            let signing_key = key_provider
                .load_private_key(identity.key)
                .map_err(|e| TlsSetupError::UnsupportedKey(e.to_string()))?;
            let certified = rustls::sign::CertifiedKey::new(identity.certs, signing_key);
            builder.with_client_cert_resolver(Arc::new(rustls::sign::SingleCertAndKey::from(
                certified,
            )))
        }
        (None, None) => builder.with_no_client_auth(),
        (None, Some(_)) => return Err(TlsSetupError::IncompleteClientCertificate),
    };
    config.alpn_protocols = options.alpn.iter().map(|p| p.as_bytes().to_vec()).collect();
    Ok(Arc::new(config))
}

fn root_store(options: &TlsOptions) -> Result<RootCertStore, TlsSetupError> {
    let mut roots = RootCertStore::empty();
    if let Some(path) = &options.ca_file {
        for cert in load_certificates(path, "CA certificate")? {
            roots
                .add(cert)
                .map_err(|e| file_error("CA certificate", path, e))?;
        }
    }
    if options.use_os_roots {
        let native = rustls_native_certs::load_native_certs();
        let (added, _ignored) = roots.add_parsable_certificates(native.certs);
        if added == 0 && options.ca_file.is_none() {
            return Err(TlsSetupError::NoRoots(
                "the operating system's certificate store is empty or unreadable".to_owned(),
            ));
        }
    }
    if options.ca_file.is_none() && !options.use_os_roots {
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    }
    Ok(roots)
}

/// The server name for SNI and the certificate check: the one set in
/// `options`, or the host connected to.
fn server_name(host: &str, options: &TlsOptions) -> Result<ServerName<'static>, TlsSetupError> {
    let name = options.server_name.as_deref().unwrap_or(host);
    ServerName::try_from(name.to_owned()).map_err(|_| TlsSetupError::ServerName(name.to_owned()))
}

/// What a TLS connection attempt needs: the configuration, the name to
/// check, and where the verifier leaves a refused certificate's fingerprint.
#[derive(Clone)]
pub struct TlsSetup {
    /// The rustls configuration.
    pub config: Arc<ClientConfig>,
    /// The server name for SNI and the certificate check.
    pub name: ServerName<'static>,
    /// The fingerprint of a refused certificate, once the handshake failed.
    pub presented: PresentedSlot,
}

impl TlsSetup {
    /// Everything for connecting to `host` with `options`.
    pub fn new(host: &str, options: &TlsOptions) -> Result<TlsSetup, TlsSetupError> {
        let presented = PresentedSlot::default();
        Ok(TlsSetup {
            config: client_config(options, presented.clone())?,
            name: server_name(host, options)?,
            presented,
        })
    }

    /// The failure for a handshake error, with the refused certificate's
    /// fingerprint when there was one.
    pub fn failure(&self, error: &rustls::Error) -> TlsFailure {
        let presented = self.presented.lock().ok().and_then(|mut slot| slot.take());
        TlsFailure::from_rustls(error, presented)
    }
}
