//! `mqscope pub`: publish one message (`--repeat` times), a file, or
//! standard input.

use std::io::{self, BufRead, Read};
use std::time::{Duration, Instant};

use bytes::Bytes;
use crossbeam_channel::{Receiver, select};

use super::args::PubArgs;
use super::{EXIT_FAILURE, ends_the_run, parse_qos, prepare, print_packet, send_disconnect};
use crate::net::{Command, CommandSender, ConnectionHandle, Event};
use crate::proto::session::CloseReason;
use crate::proto::{Properties, ProtocolVersion, Publish, QoS, topic};
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
    let mut template = Publish::new(topic_name.as_str(), Bytes::new());
    template.qos = parse_qos(args.qos, "-q")?;
    template.retain = args.retain;
    template.properties = prepared.properties.publish.clone();
    let source = message_source(&args)?;
    if args.repeat > 1 && matches!(source, Source::Lines(_)) {
        return Err("--repeat repeats one message; it does not go with -l".to_owned());
    }

    let handle = ConnectionHandle::spawn(prepared.config.clone(), None)
        .map_err(|e| format!("cannot start the network thread: {e}"))?;
    let mut publisher = Publisher {
        commands: handle.command_sender(),
        disconnect_properties: prepared.properties.disconnect.clone(),
        version: prepared.config.connect.protocol_version,
        template,
        one: match &source {
            Source::One(payload) => Some(payload.clone()),
            Source::Lines(_) => None,
        },
        exit: 0,
        connected: false,
        ever_connected: false,
        finishing: false,
        input_done: false,
        outstanding: 0,
        next_tag: 1,
        repeats_left: args.repeat - 1,
        repeat_delay: args.repeat_delay.unwrap_or_default(),
        repeat: None,
        next_repeat: None,
    };
    {
        let commands = publisher.commands.clone();
        let properties = publisher.disconnect_properties.clone();
        let _ = ctrlc::set_handler(move || send_disconnect(&commands, &properties));
    }
    let never = crossbeam_channel::never();
    loop {
        let lines = match &source {
            Source::Lines(rx) if publisher.connected && !publisher.input_done => rx,
            _ => &never,
        };
        let repeat_timer = match publisher.next_repeat {
            Some(at) if publisher.connected => crossbeam_channel::at(at),
            _ => crossbeam_channel::never(),
        };
        select! {
            recv(repeat_timer) -> _ => publisher.repeat_due(),
            recv(lines) -> line => match line {
                Ok(payload) => publisher.publish(payload),
                Err(_) => publisher.input_done = true,
            },
            recv(handle.events()) -> batch => {
                let Ok(batch) = batch else { break };
                if !batch.into_iter().all(|event| publisher.on_event(event)) {
                    break;
                }
            }
        }
        publisher.finish_when_done();
    }
    handle.join();
    Ok(publisher.exit)
}

/// Where `-m`, `-f`, `-s`, `-l` or `-n` says the messages come from.
fn message_source(args: &PubArgs) -> Result<Source, String> {
    if let Some(message) = &args.message {
        Ok(Source::One(Bytes::from(message.clone().into_bytes())))
    } else if let Some(path) = &args.file {
        let data =
            std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        Ok(Source::One(Bytes::from(data)))
    } else if args.stdin_whole {
        let mut data = Vec::new();
        io::stdin()
            .read_to_end(&mut data)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        Ok(Source::One(Bytes::from(data)))
    } else if args.stdin_lines {
        Ok(Source::Lines(stdin_lines()?))
    } else if args.empty {
        Ok(Source::One(Bytes::new()))
    } else {
        Err("give the message with -m, -f, -s, -l or -n".to_owned())
    }
}

/// Each line of standard input (without its line ending), read on a thread.
fn stdin_lines() -> Result<Receiver<Bytes>, String> {
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
    Ok(rx)
}

/// The state of one `mqscope pub` run.
struct Publisher {
    commands: CommandSender,
    disconnect_properties: Properties,
    version: ProtocolVersion,
    /// Topic, QoS, retain and properties of every message.
    template: Publish,
    /// The one message to send once connected, until it is sent.
    one: Option<Bytes>,
    exit: i32,
    connected: bool,
    ever_connected: bool,
    finishing: bool,
    input_done: bool,
    /// QoS 1/2 messages not yet acknowledged.
    outstanding: u64,
    next_tag: u64,
    /// `--repeat`: how many more times the message goes.
    repeats_left: u64,
    /// `--repeat-delay`.
    repeat_delay: Duration,
    /// The message to repeat, while repeats are left.
    repeat: Option<Bytes>,
    /// When the next repeat goes, once the last one has.
    next_repeat: Option<Instant>,
}

impl Publisher {
    /// Send one message.
    fn publish(&mut self, payload: Bytes) {
        let mut publish = self.template.clone();
        publish.payload = payload;
        if publish.qos != QoS::AtMostOnce {
            self.outstanding += 1;
        }
        self.commands.send(Command::Publish {
            tag: self.next_tag,
            publish,
        });
        self.next_tag += 1;
    }

    /// Once the last message has gone (acknowledged, at QoS 1 and 2), set
    /// the time of the next repeat.
    fn schedule_repeat(&mut self) {
        if self.repeat.is_some() && self.outstanding == 0 && self.next_repeat.is_none() {
            self.next_repeat = Some(Instant::now() + self.repeat_delay);
        }
    }

    /// The time of the next repeat has come: publish it.
    fn repeat_due(&mut self) {
        self.next_repeat = None;
        let Some(payload) = self.repeat.clone() else {
            return;
        };
        self.publish(payload);
        self.repeats_left = self.repeats_left.saturating_sub(1);
        if self.repeats_left == 0 {
            self.repeat = None;
            self.input_done = true;
        } else {
            self.schedule_repeat();
        }
    }

    /// Disconnect once, exiting with `exit` when it is a failure.
    fn stop(&mut self, exit: i32) {
        if exit != 0 {
            self.exit = exit;
        }
        if !self.finishing {
            self.finishing = true;
            send_disconnect(&self.commands, &self.disconnect_properties);
        }
    }

    /// Everything is sent and acknowledged: disconnect.
    fn finish_when_done(&mut self) {
        if self.connected && self.input_done && self.outstanding == 0 && !self.finishing {
            self.stop(0);
        }
    }

    /// Take in one network event; false when the network thread has stopped.
    fn on_event(&mut self, event: Event) -> bool {
        match event {
            Event::Connected(_) => {
                self.connected = true;
                self.ever_connected = true;
                if let Some(payload) = self.one.take() {
                    self.publish(payload.clone());
                    if self.repeats_left > 0 {
                        self.repeat = Some(payload);
                        self.schedule_repeat();
                    } else {
                        self.input_done = true;
                    }
                }
            }
            Event::PublishCompleted { reason, .. } => {
                self.outstanding = self.outstanding.saturating_sub(1);
                self.schedule_repeat();
                if reason.reason_code.is_error() {
                    eprintln!(
                        "mqscope: the broker did not accept the message: {}",
                        words::broker_reason(&reason)
                    );
                    self.exit = EXIT_FAILURE;
                }
            }
            Event::PublishFailed { error, .. } => {
                self.outstanding = self.outstanding.saturating_sub(1);
                eprintln!(
                    "mqscope: the message was not sent: {}",
                    words::session_error(&error)
                );
                self.exit = EXIT_FAILURE;
            }
            Event::ConnectFailed(error) => {
                eprintln!("mqscope: {}", words::connect_error(&error));
                if !self.ever_connected {
                    self.stop(EXIT_FAILURE);
                }
            }
            Event::Disconnected(reason) => {
                self.connected = false;
                if !matches!(reason, CloseReason::ClientRequest { .. }) {
                    eprintln!("mqscope: {}", words::close_reason(&reason));
                    if !self.ever_connected || ends_the_run(&reason) {
                        self.stop(EXIT_FAILURE);
                    }
                }
            }
            Event::Packet {
                direction, bytes, ..
            } => print_packet(direction, &bytes, self.version),
            Event::Stopped => return false,
            _ => {}
        }
        true
    }
}
