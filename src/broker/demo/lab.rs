//! What the demo sensors send: a small lab of rooms, a greenhouse, an ESP32
//! board, a power meter, an alarm and a pump that answers commands. Pure
//! data: [`Lab::due`] says what to publish at a given moment, so it can be
//! tested without a broker.

use std::time::{Duration, Instant};

use bytes::Bytes;

use crate::proto::{Properties, Property, Publish, QoS};

/// The topic every demo topic is under.
pub const ROOT: &str = "lab";
/// Where the pump takes commands (with a Response Topic for the answer).
pub const PUMP_COMMAND_TOPIC: &str = "lab/pump/command";
/// The pump's state, retained.
pub const PUMP_STATE_TOPIC: &str = "lab/pump/state";
/// How many topics the firehose spreads over.
pub const FIREHOSE_TOPICS: usize = 10_000;

/// One numeric sensor drifting within a range.
struct Drift {
    topic: &'static str,
    every: Duration,
    value: f64,
    min: f64,
    max: f64,
    step: f64,
    decimals: usize,
    next: Instant,
}

/// The lab's state: every sensor's value and when it is due.
pub struct Lab {
    rng: fastrand::Rng,
    started: Instant,
    drifts: Vec<Drift>,
    next_status: Instant,
    next_raw: Instant,
    next_alarm: Instant,
    raw_counter: u32,
    pump_on: bool,
    firehose_next: usize,
}

impl Lab {
    /// A lab whose first readings are due at `now`.
    pub fn new(now: Instant, seed: u64) -> Lab {
        let drift = |topic, every_ms, value, min, max, step, decimals| Drift {
            topic,
            every: Duration::from_millis(every_ms),
            value,
            min,
            max,
            step,
            decimals,
            next: now,
        };
        Lab {
            rng: fastrand::Rng::with_seed(seed),
            started: now,
            drifts: vec![
                drift("lab/room-101/temperature", 1000, 21.5, 17.0, 27.0, 0.15, 1),
                drift("lab/room-101/humidity", 2000, 45.0, 30.0, 70.0, 0.6, 1),
                drift("lab/room-102/temperature", 1000, 22.8, 17.0, 27.0, 0.15, 1),
                drift("lab/room-102/co2", 5000, 620.0, 400.0, 1600.0, 25.0, 0),
                drift(
                    "lab/greenhouse/soil-moisture",
                    3000,
                    38.0,
                    15.0,
                    60.0,
                    0.8,
                    1,
                ),
                drift(
                    "lab/greenhouse/light",
                    2000,
                    12_500.0,
                    0.0,
                    40_000.0,
                    600.0,
                    0,
                ),
                drift("lab/power/watts", 100, 230.0, 120.0, 900.0, 12.0, 1),
            ],
            next_status: now,
            next_raw: now,
            next_alarm: now + Duration::from_secs(20),
            raw_counter: 0,
            pump_on: false,
            firehose_next: 0,
        }
    }

    /// The retained messages a lab starts with: the board's name and the pump's state.
    pub fn retained(&self) -> Vec<Publish> {
        let mut name = Publish::new("lab/esp32-01/name", Bytes::from_static(b"Bench ESP32 #1"));
        name.retain = true;
        vec![name, self.pump_state()]
    }

    /// Everything due at `now`.
    pub fn due(&mut self, now: Instant) -> Vec<Publish> {
        let mut out = Vec::new();
        for index in 0..self.drifts.len() {
            if self.drifts[index].next <= now {
                let reading = self.step_drift(index);
                out.push(Publish::new(self.drifts[index].topic, reading));
                let drift = &mut self.drifts[index];
                drift.next = catch_up(drift.next, drift.every, now);
            }
        }
        if self.next_status <= now {
            out.push(self.status(now));
            self.next_status = catch_up(self.next_status, Duration::from_secs(2), now);
        }
        if self.next_raw <= now {
            out.push(self.raw());
            out.push(self.cbor_reading());
            self.next_raw = catch_up(self.next_raw, Duration::from_secs(5), now);
        }
        if self.next_alarm <= now {
            out.push(self.alarm());
            let wait = Duration::from_secs(self.rng.u64(20..=40));
            self.next_alarm = now + wait;
        }
        out
    }

    /// `count` firehose messages, each on the next of [`FIREHOSE_TOPICS`] topics.
    pub fn firehose(&mut self, count: usize) -> Vec<Publish> {
        (0..count)
            .map(|_| {
                let index = self.firehose_next;
                self.firehose_next = (index + 1) % FIREHOSE_TOPICS;
                let value = self.rng.u16(0..1000).to_string();
                Publish::new(format!("firehose/device-{index:05}/value"), value)
            })
            .collect()
    }

    /// The pump's answer to a command, and its new retained state; nothing for
    /// a message that is not a command or asks for no answer.
    pub fn answer(&mut self, command: &Publish) -> Vec<Publish> {
        if &*command.topic != PUMP_COMMAND_TOPIC {
            return Vec::new();
        }
        let text = String::from_utf8_lossy(&command.payload)
            .trim()
            .to_lowercase();
        let understood = match text.as_str() {
            "on" | "start" => {
                self.pump_on = true;
                true
            }
            "off" | "stop" => {
                self.pump_on = false;
                true
            }
            "status" | "" => true,
            _ => false,
        };
        let mut out = Vec::new();
        if let Some(response_topic) = command.properties.response_topic() {
            let body = if understood {
                format!(r#"{{"pump":"{}","ok":true}}"#, self.pump_word())
            } else {
                format!(
                    r#"{{"pump":"{}","ok":false,"error":"unknown command; send on, off or status"}}"#,
                    self.pump_word()
                )
            };
            let mut answer = Publish::new(response_topic, body);
            answer
                .properties
                .push(Property::ContentType("application/json".into()));
            if let Some(correlation) = command.properties.correlation_data() {
                answer
                    .properties
                    .push(Property::CorrelationData(correlation.clone()));
            }
            out.push(answer);
        }
        out.push(self.pump_state());
        out
    }

    fn pump_word(&self) -> &'static str {
        if self.pump_on { "on" } else { "off" }
    }

    fn pump_state(&self) -> Publish {
        let mut state = Publish::new(PUMP_STATE_TOPIC, self.pump_word());
        state.retain = true;
        state
    }

    fn step_drift(&mut self, index: usize) -> String {
        let delta = (self.rng.f64() * 2.0 - 1.0) * self.drifts[index].step;
        let drift = &mut self.drifts[index];
        drift.value = (drift.value + delta).clamp(drift.min, drift.max);
        format!("{:.*}", drift.decimals, drift.value)
    }

    /// The board's JSON status, with the properties a real device sends.
    fn status(&mut self, now: Instant) -> Publish {
        let uptime = now.saturating_duration_since(self.started).as_secs();
        let rssi = -55 - self.rng.i32(0..15);
        let heap = 180_000 + self.rng.u32(0..8_000);
        let body = format!(
            r#"{{"uptime_s":{uptime},"wifi_rssi":{rssi},"heap_free":{heap},"pump":"{}"}}"#,
            self.pump_word()
        );
        let mut status = Publish::new("lab/esp32-01/status", body);
        status.properties = Properties::new()
            .with(Property::PayloadFormatIndicator(1))
            .with(Property::ContentType("application/json".into()))
            .with(Property::UserProperty("firmware".into(), "1.4.2".into()))
            .with(Property::UserProperty(
                "board".into(),
                "esp32-devkitc".into(),
            ));
        status
    }

    /// Eight raw bytes: a counter and a reading, little-endian.
    fn raw(&mut self) -> Publish {
        self.raw_counter = self.raw_counter.wrapping_add(1);
        let mut bytes = Vec::with_capacity(8);
        bytes.extend_from_slice(&self.raw_counter.to_le_bytes());
        bytes.extend_from_slice(&self.rng.u32(..).to_le_bytes());
        let mut raw = Publish::new("lab/esp32-01/raw", bytes);
        raw.properties
            .push(Property::ContentType("application/octet-stream".into()));
        raw
    }

    /// The board's sensors as CBOR, the way constrained devices send them.
    fn cbor_reading(&mut self) -> Publish {
        use ciborium::Value as C;
        let reading = C::Map(vec![
            (
                C::Text("counter".into()),
                C::Integer(self.raw_counter.into()),
            ),
            (
                C::Text("temperature".into()),
                C::Float(f64::from(self.rng.u16(180..260)) / 10.0),
            ),
            (C::Text("pump".into()), C::Text(self.pump_word().into())),
        ]);
        let mut bytes = Vec::new();
        // Writing a small value into a Vec cannot fail.
        let _ = ciborium::ser::into_writer(&reading, &mut bytes);
        let mut publish = Publish::new("lab/esp32-01/cbor", bytes);
        publish
            .properties
            .push(Property::ContentType("application/cbor".into()));
        publish
    }

    /// A QoS 1 alarm, now and then.
    fn alarm(&mut self) -> Publish {
        let level = if self.rng.bool() { "warning" } else { "test" };
        let mut alarm = Publish::new(
            "lab/alarm/smoke",
            format!(r#"{{"alarm":"smoke","level":"{level}","room":"room-102"}}"#),
        );
        alarm.qos = QoS::AtLeastOnce;
        alarm
    }
}

/// The next time a reading every `every` is due after `now` (a late reading
/// is not sent twice).
fn catch_up(next: Instant, every: Duration, now: Instant) -> Instant {
    let next = next + every;
    if next <= now { now + every } else { next }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_moment_sends_every_sensor_once_and_later_ones_follow_their_periods() {
        let start = Instant::now();
        let mut lab = Lab::new(start, 7);
        let first = lab.due(start);
        let topics: Vec<&str> = first.iter().map(|p| &*p.topic).collect();
        assert!(topics.contains(&"lab/room-101/temperature"), "{topics:?}");
        assert!(topics.contains(&"lab/esp32-01/status"));
        let cbor = first
            .iter()
            .find(|p| &*p.topic == "lab/esp32-01/cbor")
            .unwrap();
        let value = crate::decode::decode(
            crate::decode::Format::Cbor,
            &cbor.payload,
            None,
            None,
            &Default::default(),
        )
        .unwrap()
        .value;
        assert!(value["temperature"].is_f64(), "{value}");
        assert!(!topics.contains(&"lab/alarm/smoke"));
        // One minute later, counting each second's messages: tens a second.
        let mut total = 0;
        for tenth in 1..=600 {
            total += lab.due(start + Duration::from_millis(100 * tenth)).len();
        }
        assert!(
            (600..=1200).contains(&total),
            "{total} messages in a minute"
        );
    }

    #[test]
    fn readings_stay_in_range_and_the_status_carries_its_properties() {
        let start = Instant::now();
        let mut lab = Lab::new(start, 1);
        for second in 0..3600 {
            for publish in lab.due(start + Duration::from_secs(second)) {
                if publish.topic.ends_with("temperature") {
                    let value: f64 = std::str::from_utf8(&publish.payload)
                        .unwrap()
                        .parse()
                        .unwrap();
                    assert!((17.0..=27.0).contains(&value), "{value}");
                }
                if &*publish.topic == "lab/esp32-01/status" {
                    assert_eq!(publish.properties.content_type(), Some("application/json"));
                    let json: serde_json::Value = serde_json::from_slice(&publish.payload).unwrap();
                    assert!(json["uptime_s"].is_u64());
                }
            }
        }
    }

    #[test]
    fn the_pump_answers_on_the_response_topic_with_the_correlation_data() {
        let mut lab = Lab::new(Instant::now(), 3);
        let mut command = Publish::new(PUMP_COMMAND_TOPIC, "on");
        command.properties = Properties::new()
            .with(Property::ResponseTopic("me/replies".into()))
            .with(Property::CorrelationData(Bytes::from_static(b"42")));
        let out = lab.answer(&command);
        assert_eq!(&*out[0].topic, "me/replies");
        assert_eq!(&out[0].payload[..], br#"{"pump":"on","ok":true}"#);
        assert_eq!(
            out[0].properties.correlation_data().map(|b| &b[..]),
            Some(&b"42"[..])
        );
        assert_eq!(
            (&*out[1].topic, &out[1].payload[..], out[1].retain),
            (PUMP_STATE_TOPIC, &b"on"[..], true)
        );
        let unknown = lab.answer(&{
            let mut p = Publish::new(PUMP_COMMAND_TOPIC, "dance");
            p.properties
                .push(Property::ResponseTopic("me/replies".into()));
            p
        });
        assert!(
            std::str::from_utf8(&unknown[0].payload)
                .unwrap()
                .contains("\"ok\":false")
        );
        assert!(lab.answer(&Publish::new("lab/other", "on")).is_empty());
    }

    #[test]
    fn the_firehose_cycles_over_ten_thousand_topics() {
        let mut lab = Lab::new(Instant::now(), 5);
        let batch = lab.firehose(FIREHOSE_TOPICS + 1);
        assert_eq!(&*batch[0].topic, "firehose/device-00000/value");
        assert_eq!(
            &*batch[FIREHOSE_TOPICS - 1].topic,
            "firehose/device-09999/value"
        );
        assert_eq!(batch[FIREHOSE_TOPICS].topic, batch[0].topic);
    }
}
