//! `mqscope pub`: publish one message, a file, or standard input.

use std::io::{self, BufRead, Read};

use bytes::Bytes;
use crossbeam_channel::{Receiver, select};

use super::args::PubArgs;
use super::{EXIT_FAILURE, parse_qos, prepare, print_packet};
use crate::net::{Command, ConnectionHandle, Event};
use crate::proto::session::CloseReason;
use crate::proto::{Publish, QoS, ReasonCode, topic};
use crate::ui::words;

/// Run `mqscope pub`; returns the exit status.
pub fn run(args: PubArgs) -> i32 {
    match run_inner(args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("mqscope: {message}");
            EXIT_FAILURE
        }
    }
}

/// Where the messages come from.
enum Source {
    /// One message known up front.
    One(Bytes),
    /// Each line of standard input.
    Lines(Receiver<Bytes>),
}

fn run_inner(args: PubArgs) -> Result<i32, String> {
    let prepared = prepare(&args.connect)?;
    let version = prepared.config.connect.protocol_version;
    let topic_name = args
        .topic
        .clone()
        .or(prepared.url_topic.clone())
        .ok_or("give a topic with -t")?;
    let has_alias = prepared.properties.publish.topic_alias().is_some();
    if !(topic_name.is_empty() && has_alias) {
        topic::validate_topic_name(&topic_name)
            .map_err(|e| format!("\"{topic_name}\" is not a valid topic name: {e}"))?;
    }
    let qos = parse_qos(args.qos, "-q")?;
    let source = if let Some(message) = &args.message {
        Source::One(Bytes::from(message.clone().into_bytes()))
    } else if let Some(path) = &args.file {
        let data =
            std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        Source::One(Bytes::from(data))
    } else if args.stdin_whole {
        let mut data = Vec::new();
        io::stdin()
            .read_to_end(&mut data)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        Source::One(Bytes::from(data))
    } else if args.stdin_lines {
        let (tx, rx) = crossbeam_channel::bounded(1024);
        std::thread::Builder::new()
            .name("mqscope-stdin".to_owned())
            .spawn(move || {
                for line in io::stdin().lock().split(b'\n') {
                    let Ok(mut line) = line else { break };
                    if line.last() == Some(&b'\r') {
                        line.pop();
                    }
                    if tx.send(Bytes::from(line)).is_err() {
                        break;
                    }
                }
            })
            .map_err(|e| e.to_string())?;
        Source::Lines(rx)
    } else if args.empty {
        Source::One(Bytes::new())
    } else {
        return Err("give the message with -m, -f, -s, -l or -n".to_owned());
    };
    let make = |payload: Bytes| {
        let mut publish = Publish::new(topic_name.as_str(), payload);
        publish.qos = qos;
        publish.retain = args.retain;
        publish.properties = prepared.properties.publish.clone();
        publish
    };

    let handle = ConnectionHandle::spawn(prepared.config.clone(), None)
        .map_err(|e| format!("cannot start the network thread: {e}"))?;
    let commands = handle.command_sender();
    let disconnect = {
        let properties = prepared.properties.disconnect.clone();
        move |sender: &crate::net::CommandSender| {
            sender.send(Command::Disconnect {
                reason_code: ReasonCode::Success,
                properties: properties.clone(),
            })
        }
    };
    {
        let commands = commands.clone();
        let disconnect = disconnect.clone();
        let _ = ctrlc::set_handler(move || disconnect(&commands));
    }

    let mut exit = 0;
    let mut connected = false;
    let mut ever_connected = false;
    let mut finishing = false;
    let mut outstanding: u64 = 0;
    let mut next_tag: u64 = 1;
    let mut one = match &source {
        Source::One(payload) => Some(payload.clone()),
        Source::Lines(_) => None,
    };
    let mut input_done = false;
    let never = crossbeam_channel::never();
    loop {
        let lines = match &source {
            Source::Lines(rx) if connected && !input_done => rx,
            _ => &never,
        };
        select! {
            recv(lines) -> line => match line {
                Ok(payload) => {
                    let publish = make(payload);
                    if publish.qos != QoS::AtMostOnce {
                        outstanding += 1;
                    }
                    commands.send(Command::Publish { tag: next_tag, publish });
                    next_tag += 1;
                }
                Err(_) => input_done = true,
            },
            recv(handle.events()) -> event => {
                let Ok(event) = event else { break };
                match event {
                    Event::Connected(_) => {
                        connected = true;
                        ever_connected = true;
                        if let Some(payload) = one.take() {
                            let publish = make(payload);
                            if publish.qos != QoS::AtMostOnce {
                                outstanding += 1;
                            }
                            commands.send(Command::Publish { tag: next_tag, publish });
                            next_tag += 1;
                            input_done = true;
                        }
                    }
                    Event::PublishCompleted { reason, .. } => {
                        outstanding = outstanding.saturating_sub(1);
                        if reason.reason_code.is_error() {
                            eprintln!(
                                "mqscope: the broker did not accept the message: {}",
                                words::broker_reason(&reason)
                            );
                            exit = EXIT_FAILURE;
                        }
                    }
                    Event::PublishFailed { error, .. } => {
                        outstanding = outstanding.saturating_sub(1);
                        eprintln!(
                            "mqscope: the message was not sent: {}",
                            words::session_error(&error)
                        );
                        exit = EXIT_FAILURE;
                    }
                    Event::ConnectFailed(error) => {
                        eprintln!("mqscope: {error}");
                        if !ever_connected {
                            exit = EXIT_FAILURE;
                            finishing = true;
                            disconnect(&commands);
                        }
                    }
                    Event::Disconnected(reason) => {
                        connected = false;
                        if !matches!(reason, CloseReason::ClientRequest { .. }) {
                            eprintln!("mqscope: {}", words::close_reason(&reason));
                            if !ever_connected || matches!(reason, CloseReason::Refused(_)) {
                                exit = EXIT_FAILURE;
                                finishing = true;
                                disconnect(&commands);
                            }
                        }
                    }
                    Event::Packet { direction, bytes, .. } => print_packet(direction, &bytes, version),
                    Event::Stopped => break,
                    _ => {}
                }
            }
        }
        if connected && input_done && outstanding == 0 && !finishing {
            finishing = true;
            disconnect(&commands);
        }
    }
    handle.join();
    Ok(exit)
}
