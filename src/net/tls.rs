//! TLS settings and the rustls client configuration built from them.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};

/// How to secure a connection.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TlsOptions {
    /// Trust only the certificate authorities in this PEM file.
    pub ca_file: Option<PathBuf>,
    /// Also trust the operating system's certificate store.
    pub use_os_roots: bool,
    /// A client certificate (PEM) to present.
    pub client_cert: Option<PathBuf>,
    /// The private key (PEM) of the client certificate.
    pub client_key: Option<PathBuf>,
    /// The name to ask for and check (SNI); the host name when `None`.
    pub server_name: Option<String>,
    /// ALPN protocols to offer, e.g. `mqtt` or `x-amzn-mqtt-ca`.
    pub alpn: Vec<String>,
    /// Do not verify the broker's certificate. Anyone on the path can then read
    /// and change the traffic; only for testing.
    pub skip_verification: bool,
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

/// The rustls configuration for `options`.
pub fn client_config(options: &TlsOptions) -> Result<Arc<ClientConfig>, TlsSetupError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let key_provider = provider.key_provider;
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsSetupError::Rustls(e.to_string()))?;
    let builder = if options.skip_verification {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(NoVerification(provider)))
    } else {
        builder.with_root_certificates(root_store(options)?)
    };
    let mut config = match (&options.client_cert, &options.client_key) {
        (Some(cert), Some(key)) => {
            let certs = load_certificates(cert, "client certificate")?;
            let key =
                PrivateKeyDer::from_pem_file(key).map_err(|e| file_error("client key", key, e))?;
            // Not `with_client_auth_cert`: it parses the certificate to check
            // it matches the key, and that parser refuses X.509 version 1
            // certificates, which `openssl x509 -req` makes by default (as
            // mosquitto's TLS guide does). The broker verifies the
            // certificate; the client only has to present it.
            let signing_key = key_provider
                .load_private_key(key)
                .map_err(|e| TlsSetupError::Rustls(e.to_string()))?;
            let certified = rustls::sign::CertifiedKey::new(certs, signing_key);
            builder.with_client_cert_resolver(Arc::new(rustls::sign::SingleCertAndKey::from(
                certified,
            )))
        }
        (None, None) => builder.with_no_client_auth(),
        _ => return Err(TlsSetupError::IncompleteClientCertificate),
    };
    config.alpn_protocols = options.alpn.iter().map(|p| p.as_bytes().to_vec()).collect();
    Ok(Arc::new(config))
}

fn root_store(options: &TlsOptions) -> Result<RootCertStore, TlsSetupError> {
    let mut roots = RootCertStore::empty();
    if let Some(path) = &options.ca_file {
        for cert in load_certificates(path, "CA")? {
            roots.add(cert).map_err(|e| file_error("CA", path, e))?;
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

/// The server name for SNI and the certificate check.
pub fn server_name(host: &str, options: &TlsOptions) -> Result<ServerName<'static>, TlsSetupError> {
    let name = options.server_name.as_deref().unwrap_or(host);
    ServerName::try_from(name.to_owned()).map_err(|_| TlsSetupError::ServerName(name.to_owned()))
}

/// A TLS failure in words a person can act on.
pub fn explain(error: &rustls::Error) -> String {
    match error {
        rustls::Error::InvalidCertificate(cert) => {
            let why = match cert {
                CertificateError::UnknownIssuer => {
                    "it is not signed by a certificate authority mqscope trusts (give the authority's certificate with --cafile, or use --insecure to skip the check)".to_owned()
                }
                CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                    "it has expired".to_owned()
                }
                CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                    "it is not valid yet (check the clock of this computer)".to_owned()
                }
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                    "it was issued for another host name".to_owned()
                }
                CertificateError::Revoked => "it has been revoked".to_owned(),
                CertificateError::Other(other) if format!("{other:?}").contains("UnsupportedCertVersion") => {
                    "it is an X.509 version 1 certificate (what `openssl x509 -req` makes without extensions), which cannot say which host it is for. Make it again with a subjectAltName, for example: openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 365 -extfile <(printf \"subjectAltName=DNS:localhost,IP:127.0.0.1\")".to_owned()
                }
                CertificateError::BadSignature => "its signature is wrong".to_owned(),
                other => format!("{other:?}"),
            };
            format!("the broker's certificate is not trusted: {why}")
        }
        rustls::Error::AlertReceived(alert) => {
            format!(
                "the broker ended the TLS handshake with the alert {alert:?} (it may require a client certificate, or not accept the one given)"
            )
        }
        other => format!("TLS failed: {other}"),
    }
}

/// A verifier that accepts any certificate (`--insecure`), while still
/// checking handshake signatures so the connection itself works.
#[derive(Debug)]
struct NoVerification(Arc<rustls::crypto::CryptoProvider>);

impl ServerCertVerifier for NoVerification {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
