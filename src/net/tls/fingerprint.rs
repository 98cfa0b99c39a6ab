//! A certificate's SHA-256 fingerprint: how a person trusts one certificate
//! on purpose, written as `openssl x509 -fingerprint -sha256` writes it.

use std::fmt;
use std::str::FromStr;

use rustls::pki_types::CertificateDer;

/// The SHA-256 of a certificate's DER bytes.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint(pub [u8; 32]);

impl Fingerprint {
    /// The fingerprint of `cert`.
    pub fn of(cert: &CertificateDer<'_>) -> Fingerprint {
        let digest = ring::digest::digest(&ring::digest::SHA256, cert.as_ref());
        let mut bytes = [0; 32];
        bytes.copy_from_slice(digest.as_ref());
        Fingerprint(bytes)
    }
}

impl fmt::Display for Fingerprint {
    /// `AB:CD:…`, 32 pairs of upper-case hex digits.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, byte) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(":")?;
            }
            write!(f, "{byte:02X}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({self})")
    }
}

/// Why a text is not a SHA-256 fingerprint.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FingerprintError {
    /// A character that is neither a hex digit nor a separator.
    #[error("'{0}' is not a hex digit")]
    NotHex(char),
    /// Not 64 hex digits.
    #[error("a SHA-256 fingerprint has 64 hex digits, this has {0}")]
    WrongLength(usize),
}

impl FromStr for Fingerprint {
    type Err = FingerprintError;

    /// Hex digits in either case, with or without `:` or spaces between
    /// them; a leading `sha256 Fingerprint=` (openssl's output) is allowed.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        let text = text
            .rsplit_once('=')
            .filter(|(label, _)| label.to_ascii_lowercase().contains("fingerprint"))
            .map_or(text, |(_, value)| value);
        let mut digits = Vec::with_capacity(64);
        for c in text.chars() {
            match c {
                ':' | ' ' | '-' => {}
                c if c.is_ascii_hexdigit() => digits.push(c.to_digit(16).unwrap_or(0) as u8),
                other => return Err(FingerprintError::NotHex(other)),
            }
        }
        if digits.len() != 64 {
            return Err(FingerprintError::WrongLength(digits.len()));
        }
        let mut bytes = [0; 32];
        for (byte, pair) in bytes.iter_mut().zip(digits.chunks(2)) {
            *byte = pair[0] << 4 | pair[1];
        }
        Ok(Fingerprint(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fingerprint_reads_back_what_it_writes() {
        let fingerprint = Fingerprint::of(&CertificateDer::from(b"not really a cert".to_vec()));
        let text = fingerprint.to_string();
        assert_eq!(text.len(), 32 * 3 - 1);
        assert_eq!(text.parse::<Fingerprint>(), Ok(fingerprint));
        assert_eq!(
            text.replace(':', "").to_lowercase().parse(),
            Ok(fingerprint)
        );
        assert_eq!(
            format!("sha256 Fingerprint={text}").parse(),
            Ok(fingerprint),
            "openssl's own output line"
        );
    }

    #[test]
    fn what_is_not_a_fingerprint_says_why() {
        assert_eq!(
            "AB:CD".parse::<Fingerprint>(),
            Err(FingerprintError::WrongLength(4))
        );
        assert_eq!(
            "1ü1".parse::<Fingerprint>(),
            Err(FingerprintError::NotHex('ü'))
        );
    }
}
