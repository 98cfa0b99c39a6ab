//! A hex dump of bytes, 16 per row, with an ASCII column.

/// The rows of a hex dump: offset, hex bytes, printable characters.
pub fn rows(bytes: &[u8]) -> impl Iterator<Item = (usize, String, String)> + '_ {
    bytes.chunks(16).enumerate().map(|(row, chunk)| {
        let hex: Vec<String> = chunk.iter().map(|b| format!("{b:02X}")).collect();
        let ascii: String = chunk
            .iter()
            .map(|&b| {
                if b.is_ascii_graphic() || b == b' ' {
                    b as char
                } else {
                    '.'
                }
            })
            .collect();
        (row * 16, hex.join(" "), ascii)
    })
}

/// The whole dump as text.
pub fn dump(bytes: &[u8]) -> String {
    rows(bytes)
        .map(|(offset, hex, ascii)| format!("{offset:08X}  {hex:<47}  {ascii}\n"))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn sixteen_per_row() {
        let text = super::dump(b"0123456789abcdefXY");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(lines[0].starts_with("00000000  30 31"));
        assert!(lines[0].ends_with("0123456789abcdef"));
        assert!(lines[1].starts_with("00000010  58 59"));
    }
}
