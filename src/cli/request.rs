//! `mqscope rr`: an MQTT 5 request and its response, as `mosquitto_rr`
//! makes them. It subscribes to the response topic, publishes the request
//! with that Response Topic and a fresh Correlation Data, and prints the
//! first message on the response topic that carries the same Correlation
//! Data as one JSON line (`sub`'s, with `round_trip_ms`).

use std::io::{self, Read, Write};
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use crossbeam_channel::RecvTimeoutError;

use super::args::RrArgs;
use super::{
    EXIT_FAILURE, EXIT_TIMEOUT, ends_the_run, parse_qos, prepare, print_packet, send_disconnect,
};
use crate::net::{Command, ConnectionHandle, Event};
use crate::proto::session::CloseReason;
use crate::proto::{Property, ProtocolVersion, Publish, SubscribeFilter, topic};
use crate::ui::words;

/// Run `mqscope rr`; returns the exit status.
pub fn run(args: RrArgs) -> i32 {
    match run_inner(args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("mqscope: {message}");
            EXIT_FAILURE
        }
    }
}

/// A fresh Correlation Data: 16 random bytes, as 32 hex digits (text, so
/// that any responder can copy it and any person can read it).
fn fresh_correlation() -> Bytes {
    let text: String = (0..16)
        .map(|_| format!("{:02x}", fastrand::u8(..)))
        .collect();
    Bytes::from(text.into_bytes())
}

/// The request's payload, from `-m`, `-f`, `-s` or `-n`.
fn payload(args: &RrArgs) -> Result<Bytes, String> {
    if let Some(message) = &args.message {
        Ok(Bytes::from(message.clone().into_bytes()))
    } else if let Some(path) = &args.file {
        std::fs::read(path)
            .map(Bytes::from)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))
    } else if args.stdin_whole {
        let mut data = Vec::new();
        io::stdin()
            .read_to_end(&mut data)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        Ok(Bytes::from(data))
    } else if args.empty {
        Ok(Bytes::new())
    } else {
        Err("give the request with -m, -f, -s or -n".to_owned())
    }
}

fn run_inner(args: RrArgs) -> Result<i32, String> {
    let prepared = prepare(&args.connect)?;
    if prepared.config.connect.protocol_version != ProtocolVersion::V5 {
        return Err("a request with a Response Topic needs MQTT 5; leave out -V 311".to_owned());
    }
    let qos = parse_qos(args.qos, "-q")?;
    topic::validate_topic_name(&args.topic)
        .map_err(|e| format!("\"{}\" is not a valid topic name: {e}", args.topic))?;
    topic::validate_topic_name(&args.response_topic).map_err(|e| {
        format!(
            "\"{}\" is not a valid response topic (a topic name, no wildcards): {e}",
            args.response_topic
        )
    })?;
    let correlation = fresh_correlation();
    let mut request = Publish::new(args.topic.as_str(), payload(&args)?);
    request.qos = qos;
    request.properties = prepared
        .properties
        .publish
        .clone()
        .with(Property::ResponseTopic(args.response_topic.as_str().into()))
        .with(Property::CorrelationData(correlation.clone()));

    let handle = ConnectionHandle::spawn(prepared.config.clone(), None)
        .map_err(|e| format!("cannot start the network thread: {e}"))?;
    let commands = handle.command_sender();
    {
        let commands = commands.clone();
        let properties = prepared.properties.disconnect.clone();
        let _ = ctrlc::set_handler(move || send_disconnect(&commands, &properties));
    }
    let deadline = Instant::now() + Duration::from_secs(args.timeout_secs);
    let mut sent_at: Option<Instant> = None;
    let mut subscribed = false;
    let mut ever_connected = false;
    let mut finishing = false;
    let mut exit = 0;
    let stop = |exit_now: &mut i32, code: i32, finishing: &mut bool| {
        if code != 0 {
            *exit_now = code;
        }
        if !*finishing {
            *finishing = true;
            send_disconnect(&commands, &prepared.properties.disconnect);
        }
    };
    let mut out = io::stdout().lock();
    loop {
        let event = if finishing {
            match handle.next() {
                Some(event) => event,
                None => break,
            }
        } else {
            match handle.next_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(event) => event,
                Err(RecvTimeoutError::Timeout) => {
                    eprintln!(
                        "mqscope: nothing answered on {} within {} s",
                        args.response_topic, args.timeout_secs
                    );
                    stop(&mut exit, EXIT_TIMEOUT, &mut finishing);
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => break,
            }
        };
        match event {
            Event::Connected(_) => {
                ever_connected = true;
                if !subscribed {
                    subscribed = true;
                    handle.command_sender().send(Command::Subscribe {
                        tag: 1,
                        filters: vec![SubscribeFilter::new(args.response_topic.as_str(), qos)],
                        properties: prepared.properties.subscribe.clone(),
                    });
                }
            }
            Event::Subscribed { results, .. } => {
                if let Some(refused) = results.iter().find(|r| r.reason_code.is_error()) {
                    eprintln!(
                        "mqscope: the broker refused the subscription to the response topic \"{}\": {} ({})",
                        refused.filter,
                        refused.reason_code.meaning(),
                        refused.reason_code
                    );
                    stop(&mut exit, EXIT_FAILURE, &mut finishing);
                } else if sent_at.is_none() {
                    sent_at = Some(Instant::now());
                    handle.command_sender().send(Command::Publish {
                        tag: 2,
                        publish: request.clone(),
                    });
                }
            }
            Event::Message(publish) | Event::MessageAt { publish, .. } => {
                if finishing || publish.topic.as_ref() != args.response_topic {
                    continue;
                }
                let carried = publish.properties.iter().find_map(|p| match p {
                    Property::CorrelationData(data) => Some(data.clone()),
                    _ => None,
                });
                if carried.as_ref() != Some(&correlation) {
                    eprintln!(
                        "mqscope: a message on {} with {} was left out: it answers another request",
                        args.response_topic,
                        match carried {
                            Some(_) => "another Correlation Data",
                            None => "no Correlation Data",
                        }
                    );
                    continue;
                }
                let round_trip = sent_at.map_or(Duration::ZERO, |at| at.elapsed());
                if write_response(&mut out, &publish, round_trip).is_err() {
                    stop(&mut exit, 0, &mut finishing);
                    continue;
                }
                stop(&mut exit, 0, &mut finishing);
            }
            Event::PublishCompleted { reason, .. } if reason.reason_code.is_error() => {
                eprintln!(
                    "mqscope: the broker did not accept the request: {}",
                    words::broker_reason(&reason)
                );
                stop(&mut exit, EXIT_FAILURE, &mut finishing);
            }
            Event::PublishFailed { error, .. } | Event::RequestFailed { error, .. } => {
                eprintln!("mqscope: {}", words::session_error(&error));
                stop(&mut exit, EXIT_FAILURE, &mut finishing);
            }
            Event::ConnectFailed(error) => {
                eprintln!("mqscope: {}", words::connect_error(&error));
                if !ever_connected {
                    stop(&mut exit, EXIT_FAILURE, &mut finishing);
                }
            }
            Event::Disconnected(reason) if !matches!(reason, CloseReason::ClientRequest { .. }) => {
                eprintln!("mqscope: {}", words::close_reason(&reason));
                if !ever_connected || ends_the_run(&reason) {
                    stop(&mut exit, EXIT_FAILURE, &mut finishing);
                }
            }
            Event::Packet {
                direction, bytes, ..
            } => print_packet(direction, &bytes, prepared.config.connect.protocol_version),
            Event::Stopped => break,
            _ => {}
        }
    }
    let _ = out.flush();
    handle.join();
    Ok(exit)
}

/// The response as `sub`'s JSON line, with `"round_trip_ms"` added.
fn write_response(out: &mut impl Write, publish: &Publish, round_trip: Duration) -> io::Result<()> {
    let mut line = Vec::new();
    super::output::write_json(&mut line, publish, SystemTime::now(), None)?;
    // The line ends `}\n`: the round trip goes in before the brace.
    line.truncate(line.len().saturating_sub(2));
    write!(
        line,
        ",\"round_trip_ms\":{:.3}}}",
        round_trip.as_secs_f64() * 1000.0
    )?;
    line.push(b'\n');
    out.write_all(&line)?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_response_line_is_subs_with_the_round_trip() {
        let mut out = Vec::new();
        let publish = Publish::new("lab/answer", b"42".to_vec());
        write_response(&mut out, &publish, Duration::from_micros(1500)).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(value["topic"], "lab/answer");
        assert_eq!(value["payload"], "42");
        assert_eq!(value["round_trip_ms"], 1.5);
        assert!(out.ends_with(b"}\n"));
    }

    #[test]
    fn each_request_gets_its_own_correlation() {
        let a = fresh_correlation();
        assert_eq!(a.len(), 32);
        assert_ne!(a, fresh_correlation());
    }
}
