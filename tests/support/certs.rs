//! Certificates generated for a test: a CA, a server certificate for
//! localhost / 127.0.0.1, and a client certificate, written as PEM files.

use std::path::{Path, PathBuf};

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, SanType};

/// PEM files of a test PKI.
pub struct TestPki {
    /// The CA certificate.
    pub ca_cert: PathBuf,
    /// The server certificate (for localhost and 127.0.0.1).
    pub server_cert: PathBuf,
    /// The server key.
    pub server_key: PathBuf,
    /// A client certificate signed by the CA.
    pub client_cert: PathBuf,
    /// Its key.
    pub client_key: PathBuf,
    /// A CA nobody trusts, and a server certificate it signed.
    pub untrusted_server_cert: PathBuf,
    /// Its key.
    pub untrusted_server_key: PathBuf,
}

fn ca(name: &str) -> (CertificateParams, KeyPair, String) {
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    let key = KeyPair::generate().expect("CA key");
    let cert = params.self_signed(&key).expect("self-signed CA");
    (params, key, cert.pem())
}

fn leaf(names: &[&str], issuer: &Issuer<'_, KeyPair>) -> (String, String) {
    let mut params =
        CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>())
            .expect("params");
    params
        .subject_alt_names
        .push(SanType::IpAddress("127.0.0.1".parse().expect("ip")));
    params.distinguished_name.push(DnType::CommonName, names[0]);
    let key = KeyPair::generate().expect("key");
    let cert = params.signed_by(&key, issuer).expect("sign");
    (cert.pem(), key.serialize_pem())
}

impl TestPki {
    /// Generate everything into `dir`.
    pub fn generate(dir: &Path) -> TestPki {
        let (ca_params, ca_key, ca_pem) = ca("mqscope test CA");
        let issuer = Issuer::new(ca_params, ca_key);
        let (server_cert, server_key) = leaf(&["localhost"], &issuer);
        let (client_cert, client_key) = leaf(&["mqscope-test-client"], &issuer);
        let (other_params, other_key, _) = ca("an untrusted CA");
        let other = Issuer::new(other_params, other_key);
        let (untrusted_cert, untrusted_key) = leaf(&["localhost"], &other);
        let write = |name: &str, text: &str| {
            let path = dir.join(name);
            std::fs::write(&path, text).expect("write PEM");
            path
        };
        TestPki {
            ca_cert: write("ca.pem", &ca_pem),
            server_cert: write("server.pem", &server_cert),
            server_key: write("server.key", &server_key),
            client_cert: write("client.pem", &client_cert),
            client_key: write("client.key", &client_key),
            untrusted_server_cert: write("untrusted.pem", &untrusted_cert),
            untrusted_server_key: write("untrusted.key", &untrusted_key),
        }
    }
}
