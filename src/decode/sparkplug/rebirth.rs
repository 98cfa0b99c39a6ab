//! The rebirth request a host application sends an edge node: an NCMD
//! whose metric `Node Control/Rebirth` is the boolean true.

use super::super::wire::{put_bytes, put_key, put_varint};
use super::datatype::BOOLEAN;

/// The metric an NCMD sets to ask for a rebirth.
pub const REBIRTH_METRIC: &str = "Node Control/Rebirth";

/// The NCMD payload asking for a rebirth, stamped `timestamp_ms`.
pub fn rebirth_payload(timestamp_ms: u64) -> Vec<u8> {
    let mut metric = Vec::new();
    put_bytes(&mut metric, 1, REBIRTH_METRIC.as_bytes());
    put_key(&mut metric, 3, 0);
    put_varint(&mut metric, timestamp_ms);
    put_key(&mut metric, 4, 0);
    put_varint(&mut metric, u64::from(BOOLEAN));
    put_key(&mut metric, 14, 0);
    put_varint(&mut metric, 1);
    let mut payload = Vec::new();
    put_key(&mut payload, 1, 0);
    put_varint(&mut payload, timestamp_ms);
    put_bytes(&mut payload, 2, &metric);
    payload
}

#[cfg(test)]
mod tests {
    use super::super::payload::{RawValue, decode};
    use super::*;

    #[test]
    fn the_rebirth_request_reads_back_as_the_specification_names_it() {
        let payload = decode(&rebirth_payload(1_700_000_000_000)).unwrap();
        assert_eq!(payload.timestamp, Some(1_700_000_000_000));
        let [metric] = payload.metrics.as_slice() else {
            panic!("one metric")
        };
        assert_eq!(metric.name.as_deref(), Some(REBIRTH_METRIC));
        assert_eq!(metric.datatype, Some(BOOLEAN));
        assert_eq!(metric.value, RawValue::Boolean(true));
    }
}
