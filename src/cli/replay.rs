//! `mqscope replay`: publish the messages a recording received, with their
//! QoS, retain flag and the properties a publisher may set, keeping their
//! timing at the chosen speed.

use std::fs::File;
use std::io::BufReader;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, select};

use super::args::ReplayArgs;
use super::{EXIT_FAILURE, ends_the_run, prepare, send_disconnect, validate_filters, wanted_topic};
use crate::net::{Command, CommandSender, ConnectionHandle, Event};
use crate::proto::session::CloseReason;
use crate::proto::{Properties, ProtocolVersion};
use crate::record::replay::replayed;
use crate::record::{Problem, RecordedMessage, RecordingReader, received_messages};
use crate::ui::words;

/// Messages read ahead of the one being waited for.
const READ_AHEAD: usize = 1024;
/// QoS 1 and 2 messages sent and not yet acknowledged, at most.
const OUTSTANDING_MAX: u64 = 1024;

/// How fast the recording is played.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Speed {
    /// This many times the recorded pace.
    Factor(f64),
    /// No waiting between messages.
    Max,
}

/// Parse `--speed`: a positive factor, or `max`.
pub fn parse_speed(text: &str) -> Result<Speed, String> {
    if text.eq_ignore_ascii_case("max") {
        return Ok(Speed::Max);
    }
    match text.parse::<f64>() {
        Ok(factor) if factor.is_finite() && factor > 0.0 => Ok(Speed::Factor(factor)),
        _ => Err(format!(
            "--speed {text}: give a positive factor (1, 10, 0.5) or max"
        )),
    }
}

/// Run `mqscope replay`; returns the exit status.
pub fn run(args: ReplayArgs) -> i32 {
    match run_inner(args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("mqscope: {message}");
            EXIT_FAILURE
        }
    }
}

fn run_inner(args: ReplayArgs) -> Result<i32, String> {
    let speed = parse_speed(&args.speed)?;
    validate_filters(&args.topics)?;
    let prefix = args.topic_prefix.clone().unwrap_or_default();
    if prefix.contains(['+', '#', '\0']) {
        return Err(format!(
            "--topic-prefix {prefix}: a topic name cannot hold + or #"
        ));
    }
    let name = args.file.display().to_string();
    let file =
        File::open(&args.file).map_err(|e| format!("{name}: {}", words::file_error(e.kind())))?;
    let reader = RecordingReader::open(BufReader::with_capacity(1 << 20, file))
        .map_err(|e| format!("{name}: {}", words::recording_open_error(&e)))?;
    let prepared = prepare(&args.connect)?;
    let messages = read_ahead(reader, args.topics.clone())?;
    let handle = ConnectionHandle::spawn(prepared.config.clone(), None)
        .map_err(|e| format!("cannot start the network thread: {e}"))?;
    let mut player = Player {
        commands: handle.command_sender(),
        disconnect_properties: prepared.properties.disconnect.clone(),
        version: prepared.config.connect.protocol_version,
        prefix,
        speed,
        name,
        clock: None,
        next: None,
        connected: false,
        ever_connected: false,
        finishing: false,
        input_done: false,
        outstanding: 0,
        sent: 0,
        failed: 0,
        exit: 0,
    };
    {
        let commands = player.commands.clone();
        let properties = player.disconnect_properties.clone();
        let _ = ctrlc::set_handler(move || send_disconnect(&commands, &properties));
    }
    let never = crossbeam_channel::never();
    loop {
        let wanted = player.connected
            && !player.input_done
            && player.next.is_none()
            && player.outstanding < OUTSTANDING_MAX;
        let input = if wanted { &messages } else { &never };
        let wait = player.wait();
        select! {
            recv(input) -> found => match found {
                Ok(Ok(message)) => player.next = Some(message),
                Ok(Err(problem)) => player.problem(&problem),
                Err(_) => player.input_done = true,
            },
            recv(handle.events()) -> batch => {
                let Ok(batch) = batch else { break };
                if !batch.into_iter().all(|event| player.on_event(event)) {
                    break;
                }
            },
            default(wait) => {},
        }
        player.publish_when_due();
        player.finish_when_done();
    }
    handle.join();
    eprintln!(
        "mqscope: replayed {} messages; {} failed",
        player.sent, player.failed
    );
    Ok(if player.failed > 0 {
        EXIT_FAILURE
    } else {
        player.exit
    })
}

/// The recording's messages on `filters`, read on a thread of their own.
fn read_ahead(
    reader: RecordingReader<BufReader<File>>,
    filters: Vec<String>,
) -> Result<Receiver<Result<RecordedMessage, Problem>>, String> {
    let (tx, rx) = crossbeam_channel::bounded(READ_AHEAD);
    std::thread::Builder::new()
        .name("mqscope-replay-reader".into())
        .spawn(move || {
            for found in received_messages(reader) {
                let wanted = match &found {
                    Ok(m) => wanted_topic(&filters, &m.publish.topic),
                    Err(_) => true,
                };
                if wanted && tx.send(found).is_err() {
                    return;
                }
            }
        })
        .map_err(|e| e.to_string())?;
    Ok(rx)
}

/// The state of one `mqscope replay` run.
struct Player {
    commands: CommandSender,
    disconnect_properties: Properties,
    version: ProtocolVersion,
    prefix: String,
    speed: Speed,
    name: String,
    /// When the first message was sent, and when it was recorded.
    clock: Option<(Instant, u64)>,
    /// The next message, waiting for its time.
    next: Option<RecordedMessage>,
    connected: bool,
    ever_connected: bool,
    finishing: bool,
    input_done: bool,
    outstanding: u64,
    sent: u64,
    failed: u64,
    exit: i32,
}

impl Player {
    /// When the waiting message is due, from the recorded gap to the first.
    fn due(&self, message: &RecordedMessage) -> Option<Instant> {
        let (started, first) = self.clock?;
        match self.speed {
            Speed::Max => Some(started),
            Speed::Factor(factor) => Some(crate::record::due_at(
                started,
                first,
                message.at_micros,
                factor,
            )),
        }
    }

    /// How long the loop may wait for something to happen.
    fn wait(&self) -> Duration {
        match &self.next {
            Some(message) if self.connected => self.due(message).map_or(Duration::ZERO, |at| {
                at.saturating_duration_since(Instant::now())
            }),
            _ => Duration::from_secs(3600),
        }
    }

    fn publish_when_due(&mut self) {
        if !self.connected || self.finishing {
            return;
        }
        let Some(message) = &self.next else { return };
        if self.clock.is_none() {
            self.clock = Some((Instant::now(), message.at_micros));
        }
        if self.due(message).is_some_and(|at| at > Instant::now()) {
            return;
        }
        let Some(message) = self.next.take() else {
            return;
        };
        let publish = replayed(&message.publish, &self.prefix, self.version);
        if publish.qos != crate::proto::QoS::AtMostOnce {
            self.outstanding += 1;
        }
        self.sent += 1;
        self.commands.send(Command::Publish {
            tag: self.sent,
            publish,
        });
    }

    fn problem(&mut self, problem: &Problem) {
        eprintln!(
            "mqscope: {}: {}",
            self.name,
            words::recording_problem(problem)
        );
        if matches!(problem, Problem::ReadFailed(_)) {
            self.exit = EXIT_FAILURE;
        }
    }

    fn stop(&mut self, exit: i32) {
        if exit != 0 {
            self.exit = exit;
        }
        if !self.finishing {
            self.finishing = true;
            send_disconnect(&self.commands, &self.disconnect_properties);
        }
    }

    fn finish_when_done(&mut self) {
        if self.connected
            && self.input_done
            && self.next.is_none()
            && self.outstanding == 0
            && !self.finishing
        {
            self.stop(0);
        }
    }

    /// Take in one network event; false when the network thread has stopped.
    fn on_event(&mut self, event: Event) -> bool {
        match event {
            Event::Connected(_) => {
                self.connected = true;
                self.ever_connected = true;
            }
            Event::PublishCompleted { reason, .. } => {
                self.outstanding = self.outstanding.saturating_sub(1);
                if reason.reason_code.is_error() {
                    eprintln!(
                        "mqscope: the broker did not accept a message: {}",
                        words::broker_reason(&reason)
                    );
                    self.failed += 1;
                }
            }
            Event::PublishFailed { error, .. } => {
                self.outstanding = self.outstanding.saturating_sub(1);
                eprintln!(
                    "mqscope: a message was not sent: {}",
                    words::session_error(&error)
                );
                self.failed += 1;
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
            Event::Stopped => return false,
            _ => {}
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::{Property, Publish};

    #[test]
    fn speeds_are_positive_factors_or_max() {
        assert_eq!(parse_speed("max"), Ok(Speed::Max));
        assert_eq!(parse_speed("10"), Ok(Speed::Factor(10.0)));
        assert_eq!(parse_speed("0.5"), Ok(Speed::Factor(0.5)));
        for bad in ["0", "-1", "fast", "inf", "NaN"] {
            assert!(parse_speed(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_replayed_message_keeps_what_a_publisher_sets_and_nothing_of_the_old_connection() {
        let mut recorded = Publish::new("lab/t", b"21.5".to_vec());
        recorded.qos = crate::proto::QoS::ExactlyOnce;
        recorded.packet_id = 9;
        recorded.dup = true;
        recorded.retain = true;
        recorded.properties = Properties::new()
            .with(Property::PayloadFormatIndicator(1))
            .with(Property::MessageExpiryInterval(30))
            .with(Property::TopicAlias(2))
            .with(Property::ContentType("text/plain".into()))
            .with(Property::ResponseTopic("lab/reply".into()))
            .with(Property::CorrelationData(bytes::Bytes::from_static(b"c1")))
            .with(Property::SubscriptionIdentifier(7))
            .with(Property::UserProperty("site".into(), "A".into()));
        let out = replayed(&recorded, "replay/", ProtocolVersion::V5);
        assert_eq!(out.topic, "replay/lab/t");
        assert_eq!(out.qos, recorded.qos);
        assert!(out.retain && !out.dup);
        assert_eq!(out.packet_id, 0);
        let kept: Vec<_> = out.properties.iter().map(|p| p.id()).collect();
        assert_eq!(out.properties.len(), 6, "{kept:?}");
        assert_eq!(out.properties.topic_alias(), None);
        assert_eq!(out.properties.subscription_identifiers().count(), 0);
        let old = replayed(&recorded, "", ProtocolVersion::V311);
        assert!(old.properties.is_empty());
    }
}
