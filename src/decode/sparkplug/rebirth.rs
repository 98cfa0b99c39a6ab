//! Sparkplug B payloads written (what the demo edge node and a host's
//! commands need): metrics with simple values, and the rebirth request a
//! host sends an edge node, an NCMD whose metric `Node Control/Rebirth` is
//! the boolean true.

use super::super::wire::{put_bytes, put_key, put_varint};
use super::datatype::BOOLEAN;
use super::payload::{Metric, Payload, RawValue};

/// The metric an NCMD sets to ask for a rebirth.
pub const REBIRTH_METRIC: &str = "Node Control/Rebirth";

/// `payload` in the wire format. Data sets, templates, metadata and
/// properties are not written.
pub fn encode(payload: &Payload) -> Vec<u8> {
    let mut out = Vec::new();
    if let Some(timestamp) = payload.timestamp {
        put_key(&mut out, 1, 0);
        put_varint(&mut out, timestamp);
    }
    for metric in &payload.metrics {
        put_bytes(&mut out, 2, &encode_metric(metric));
    }
    if let Some(seq) = payload.seq {
        put_key(&mut out, 3, 0);
        put_varint(&mut out, seq);
    }
    out
}

fn encode_metric(metric: &Metric) -> Vec<u8> {
    let mut out = Vec::new();
    if let Some(name) = &metric.name {
        put_bytes(&mut out, 1, name.as_bytes());
    }
    for (number, value) in [
        (2, metric.alias),
        (3, metric.timestamp),
        (4, metric.datatype.map(u64::from)),
    ] {
        if let Some(value) = value {
            put_key(&mut out, number, 0);
            put_varint(&mut out, value);
        }
    }
    match &metric.value {
        RawValue::Int(n) => {
            put_key(&mut out, 10, 0);
            put_varint(&mut out, u64::from(*n));
        }
        RawValue::Long(n) => {
            put_key(&mut out, 11, 0);
            put_varint(&mut out, *n);
        }
        RawValue::Float(f) => {
            put_key(&mut out, 12, 5);
            out.extend_from_slice(&f.to_bits().to_le_bytes());
        }
        RawValue::Double(f) => {
            put_key(&mut out, 13, 1);
            out.extend_from_slice(&f.to_bits().to_le_bytes());
        }
        RawValue::Boolean(b) => {
            put_key(&mut out, 14, 0);
            put_varint(&mut out, u64::from(*b));
        }
        RawValue::String(s) => put_bytes(&mut out, 15, s.as_bytes()),
        RawValue::Bytes(b) => put_bytes(&mut out, 16, b),
        RawValue::None | RawValue::DataSet(_) | RawValue::Template(_) | RawValue::Extension(_) => {}
    }
    out
}

/// The NCMD payload asking for a rebirth, stamped `timestamp_ms`.
pub fn rebirth_payload(timestamp_ms: u64) -> Vec<u8> {
    encode(&Payload {
        timestamp: Some(timestamp_ms),
        metrics: vec![Metric {
            name: Some(REBIRTH_METRIC.to_owned()),
            timestamp: Some(timestamp_ms),
            datatype: Some(BOOLEAN),
            value: RawValue::Boolean(true),
            ..Metric::default()
        }],
        ..Payload::default()
    })
}

/// Whether `payload` (an NCMD's) asks for a rebirth.
pub fn asks_for_rebirth(payload: &Payload) -> bool {
    payload
        .metrics
        .iter()
        .any(|m| m.name.as_deref() == Some(REBIRTH_METRIC) && m.value == RawValue::Boolean(true))
}

#[cfg(test)]
mod tests {
    use super::super::payload::decode;
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
        assert!(asks_for_rebirth(&payload));
    }

    #[test]
    fn every_simple_value_reads_back_as_written() {
        let values = [
            RawValue::Int(7),
            RawValue::Long(u64::MAX),
            RawValue::Float(1.5),
            RawValue::Double(-0.25),
            RawValue::Boolean(false),
            RawValue::String("ok".into()),
            RawValue::Bytes(vec![0, 255]),
        ];
        let payload = Payload {
            timestamp: Some(1),
            seq: Some(255),
            metrics: values
                .iter()
                .enumerate()
                .map(|(i, value)| Metric {
                    name: Some(format!("m{i}")),
                    alias: Some(i as u64),
                    value: value.clone(),
                    ..Metric::default()
                })
                .collect(),
            ..Payload::default()
        };
        assert_eq!(decode(&encode(&payload)).unwrap(), payload);
    }
}
