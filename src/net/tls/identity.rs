//! The client's own certificate and key: PEM files (the key plain or
//! encrypted as PKCS#8), or one PKCS#12 bundle (`.p12`/`.pfx`, as Windows
//! and macOS export them).

use std::path::Path;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

use super::{TlsSetupError, file_error, load_certificates};

/// The largest certificate or key file read (real ones are a few KiB).
const LARGEST_FILE: u64 = 1 << 20;

/// A certificate chain and its private key, ready for rustls.
pub struct ClientIdentity {
    /// The client certificate first, then any intermediates.
    pub certs: Vec<CertificateDer<'static>>,
    /// The private key.
    pub key: PrivateKeyDer<'static>,
}

/// Read the client identity: `cert` is a PEM certificate (then `key` is its
/// PEM key) or a PKCS#12 bundle holding both. `passphrase` opens an
/// encrypted key or bundle.
pub fn load_identity(
    cert: &Path,
    key: Option<&Path>,
    passphrase: Option<&str>,
) -> Result<ClientIdentity, TlsSetupError> {
    let cert_bytes = read_small(cert, "client certificate")?;
    if is_pkcs12(cert, &cert_bytes) {
        return from_pkcs12(cert, &cert_bytes, passphrase);
    }
    let certs = load_certificates(cert, "client certificate")?;
    let key_path = key.ok_or(TlsSetupError::IncompleteClientCertificate)?;
    let key_bytes = read_small(key_path, "client key")?;
    let key = private_key(key_path, &key_bytes, passphrase)?;
    Ok(ClientIdentity { certs, key })
}

fn read_small(path: &Path, what: &'static str) -> Result<Vec<u8>, TlsSetupError> {
    let size = std::fs::metadata(path)
        .map_err(|e| file_error(what, path, e))?
        .len();
    if size > LARGEST_FILE {
        return Err(file_error(
            what,
            path,
            format!("it is {size} bytes, too large for a certificate or key"),
        ));
    }
    std::fs::read(path).map_err(|e| file_error(what, path, e))
}

/// A PKCS#12 bundle: named so, or binary DER (a PEM file is text).
fn is_pkcs12(path: &Path, bytes: &[u8]) -> bool {
    is_named_pkcs12(path) || bytes.first() == Some(&0x30)
}

/// Whether `path` is named as a PKCS#12 bundle (`.p12` or `.pfx`), which
/// holds the client key too.
pub fn is_named_pkcs12(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("p12") || e.eq_ignore_ascii_case("pfx"))
}

fn from_pkcs12(
    path: &Path,
    bytes: &[u8],
    passphrase: Option<&str>,
) -> Result<ClientIdentity, TlsSetupError> {
    use p12_keystore::{KeyStore, Pkcs12ImportPolicy, error::Error};
    let path_text = path.display().to_string();
    // A bundle exported without a password has the empty one.
    let store =
        match KeyStore::from_pkcs12(bytes, passphrase.unwrap_or(""), Pkcs12ImportPolicy::Relaxed) {
            Ok(store) => store,
            Err(Error::MacError(_)) if passphrase.is_none() => {
                return Err(TlsSetupError::NeedsPassphrase { path: path_text });
            }
            Err(Error::MacError(_)) => {
                return Err(TlsSetupError::WrongPassphrase { path: path_text });
            }
            Err(error) => {
                return Err(TlsSetupError::Pkcs12 {
                    path: path_text,
                    detail: error.to_string(),
                });
            }
        };
    let Some((_, chain)) = store.private_key_chain() else {
        return Err(TlsSetupError::Pkcs12 {
            path: path_text,
            detail: "it holds no private key with its certificate".to_owned(),
        });
    };
    let certs: Vec<CertificateDer<'static>> = chain
        .certs()
        .iter()
        .map(|c| CertificateDer::from(c.as_der().to_vec()))
        .collect();
    if certs.is_empty() {
        return Err(TlsSetupError::Pkcs12 {
            path: path_text,
            detail: "it holds a private key but no certificate".to_owned(),
        });
    }
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(chain.key().as_der().to_vec()));
    Ok(ClientIdentity { certs, key })
}

const ENCRYPTED_BEGIN: &str = "-----BEGIN ENCRYPTED PRIVATE KEY-----";
const ENCRYPTED_END: &str = "-----END ENCRYPTED PRIVATE KEY-----";

fn private_key(
    path: &Path,
    bytes: &[u8],
    passphrase: Option<&str>,
) -> Result<PrivateKeyDer<'static>, TlsSetupError> {
    let text = String::from_utf8_lossy(bytes);
    let path_text = path.display().to_string();
    if let Some(start) = text.find(ENCRYPTED_BEGIN) {
        let Some(passphrase) = passphrase else {
            return Err(TlsSetupError::NeedsPassphrase { path: path_text });
        };
        let end = text[start..]
            .find(ENCRYPTED_END)
            .map(|at| start + at + ENCRYPTED_END.len())
            .ok_or_else(|| file_error("client key", path, "its encrypted key is cut off"))?;
        let (_, der) = pkcs8::der::pem::decode_vec(text[start..end].as_bytes())
            .map_err(|e| file_error("client key", path, e))?;
        let encrypted = pkcs8::EncryptedPrivateKeyInfoRef::try_from(der.as_slice())
            .map_err(|e| file_error("client key", path, e))?;
        let plain = encrypted
            .decrypt(passphrase)
            .map_err(|_| TlsSetupError::WrongPassphrase { path: path_text })?;
        return Ok(PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
            plain.as_bytes().to_vec(),
        )));
    }
    if text.contains("Proc-Type: 4,ENCRYPTED") {
        return Err(TlsSetupError::LegacyEncryptedKey { path: path_text });
    }
    PrivateKeyDer::from_pem_slice(bytes).map_err(|e| file_error("client key", path, e))
}
