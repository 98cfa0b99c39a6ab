//! gzip, zlib and raw deflate taken off a payload (flate2's pure-Rust
//! backend), never past [`MAX_INFLATED`] bytes: a small bomb is refused as
//! soon as it grows too far, not after.

use std::io::Read;

use super::DecodeError;

/// The most a compressed payload may grow to.
pub const MAX_INFLATED: usize = 16 << 20;

/// A compression in front of the payload's format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Compression {
    /// gzip (RFC 1952), told by its magic bytes.
    Gzip,
    /// zlib (RFC 1950), told by its header's check bits.
    Zlib,
    /// Raw deflate (RFC 1951): it has no header, so only a rule names it.
    Deflate,
}

impl Compression {
    /// Its name as the CLI and the profile file spell it.
    pub fn key(self) -> &'static str {
        match self {
            Compression::Gzip => "gzip",
            Compression::Zlib => "zlib",
            Compression::Deflate => "deflate",
        }
    }

    /// The compression a key names.
    pub fn from_key(key: &str) -> Option<Compression> {
        [Compression::Gzip, Compression::Zlib, Compression::Deflate]
            .into_iter()
            .find(|c| c.key() == key)
    }

    /// The compression `bytes` begin with, where the header cannot be
    /// mistaken: gzip's magic and method (1F 8B 08), or a zlib header with
    /// the deflate method, a window of at most 32 KiB, no preset dictionary
    /// and its check bits right. (Raw deflate has no header.)
    pub fn from_header(bytes: &[u8]) -> Option<Compression> {
        match bytes {
            [0x1f, 0x8b, 0x08, ..] => Some(Compression::Gzip),
            [cmf, flg, _, ..]
                if cmf & 0x0f == 8
                    && cmf >> 4 <= 7
                    && flg & 0x20 == 0
                    && (u16::from(*cmf) << 8 | u16::from(*flg)) % 31 == 0 =>
            {
                Some(Compression::Zlib)
            }
            _ => None,
        }
    }
}

/// `bytes` decompressed by `method`, refused past [`MAX_INFLATED`].
pub fn inflate(method: Compression, bytes: &[u8]) -> Result<Vec<u8>, DecodeError> {
    let reader: Box<dyn Read + '_> = match method {
        Compression::Gzip => Box::new(flate2::read::GzDecoder::new(bytes)),
        Compression::Zlib => Box::new(flate2::read::ZlibDecoder::new(bytes)),
        Compression::Deflate => Box::new(flate2::read::DeflateDecoder::new(bytes)),
    };
    let mut out = Vec::new();
    // One byte more than allowed tells a payload at the limit from a bomb.
    reader
        .take(MAX_INFLATED as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| DecodeError::BadCompression(method.key(), e.to_string()))?;
    if out.len() > MAX_INFLATED {
        return Err(DecodeError::InflatesTooFar);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn compress(method: Compression, bytes: &[u8]) -> Vec<u8> {
        let level = flate2::Compression::best();
        match method {
            Compression::Gzip => {
                let mut e = flate2::write::GzEncoder::new(Vec::new(), level);
                e.write_all(bytes).unwrap();
                e.finish().unwrap()
            }
            Compression::Zlib => {
                let mut e = flate2::write::ZlibEncoder::new(Vec::new(), level);
                e.write_all(bytes).unwrap();
                e.finish().unwrap()
            }
            Compression::Deflate => {
                let mut e = flate2::write::DeflateEncoder::new(Vec::new(), level);
                e.write_all(bytes).unwrap();
                e.finish().unwrap()
            }
        }
    }

    #[test]
    fn each_compression_comes_off_and_headers_are_told_apart() {
        for method in [Compression::Gzip, Compression::Zlib, Compression::Deflate] {
            let packed = compress(method, br#"{"t":21.5}"#);
            assert_eq!(inflate(method, &packed).unwrap(), br#"{"t":21.5}"#);
        }
        assert_eq!(
            Compression::from_header(&compress(Compression::Gzip, b"x")),
            Some(Compression::Gzip)
        );
        assert_eq!(
            Compression::from_header(&compress(Compression::Zlib, b"x")),
            Some(Compression::Zlib)
        );
        assert_eq!(Compression::from_header(br#"{"a":1}"#), None);
        assert_eq!(Compression::from_header(b"21.5"), None);
    }

    #[test]
    fn a_bomb_is_refused_and_a_damaged_stream_is_named() {
        // 1 GiB of zeros packs into about a MiB; it is refused at 16 MiB.
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..64 {
            e.write_all(&zeros).unwrap();
        }
        let bomb = e.finish().unwrap();
        assert!(bomb.len() < 200_000, "{}", bomb.len());
        assert_eq!(
            inflate(Compression::Gzip, &bomb),
            Err(DecodeError::InflatesTooFar)
        );
        let packed = compress(Compression::Gzip, b"hello hello hello");
        let cut = &packed[..packed.len() - 5];
        assert!(matches!(
            inflate(Compression::Gzip, cut),
            Err(DecodeError::BadCompression("gzip", _))
        ));
    }
}
