//! `mqscope sub`: subscribe and print every message.

use std::io::{self, BufWriter, Write};
use std::time::{Duration, Instant, SystemTime};

use crossbeam_channel::RecvTimeoutError;

use super::args::{OutputFormat, SubArgs};
use super::sub_format::{FormatNote, Formatter};
use super::{
    EXIT_FAILURE, EXIT_TIMEOUT, ends_the_run, output, parse_qos, prepare, print_packet,
    send_disconnect,
};
use crate::net::{Command, CommandSender, ConnectionHandle, Event};
use crate::proto::session::{CloseReason, SubscriptionResult};
use crate::proto::{Publish, RetainHandling, SubscribeFilter, SubscriptionOptions, topic};
use crate::record::writer::micros_since_epoch;
use crate::record::{Header, Recorder, RecordingStatus, Scope, WriterState};
use crate::ui::words;

/// When `-W secs` runs out, counted from `now`; `None` (no timeout) when the
/// system clock cannot represent an instant that far ahead.
fn deadline(now: Instant, secs: u64) -> Option<Instant> {
    now.checked_add(Duration::from_secs(secs))
}

/// Create the recording at `path` for the connection `config` makes.
fn start_recording(
    path: &std::path::Path,
    config: &crate::net::ConnectionConfig,
) -> Result<Recorder, crate::record::RecordError> {
    let header = Header {
        mqscope_version: env!("CARGO_PKG_VERSION").to_owned(),
        broker: config.address.to_string(),
        protocol_version: config.connect.protocol_version.level(),
        started_at_micros: micros_since_epoch(SystemTime::now()),
        scope: Scope::Packets,
    };
    Recorder::create(path, header)
}

/// Wait for the recording's writer to finish, then say what it wrote, or
/// why it stopped (exit status 1).
fn finish_recording(path: &std::path::Path, status: &RecordingStatus, exit: &mut i32) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while status.state() == WriterState::Running && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    match status.state() {
        WriterState::Failed(error) => {
            eprintln!(
                "mqscope: {}: {}",
                path.display(),
                words::record_error(&error)
            );
            *exit = EXIT_FAILURE;
        }
        _ => {
            eprintln!(
                "mqscope: recorded {} packets ({} bytes) to {}",
                status.frames(),
                status.bytes_written(),
                path.display()
            );
            if status.lost() > 0 {
                eprintln!(
                    "mqscope: the recording could not keep up; packets left out: {}",
                    status.lost()
                );
            }
        }
    }
}

/// Run `mqscope sub`; returns the exit status.
pub fn run(args: SubArgs) -> i32 {
    match Subscriber::new(args) {
        Ok(subscriber) => subscriber.run(),
        Err(message) => {
            eprintln!("mqscope: {message}");
            EXIT_FAILURE
        }
    }
}

struct Subscriber {
    args: SubArgs,
    /// The payload reader `--decode` asks for.
    reader: Option<crate::decode::Reader>,
    prepared: super::Prepared,
    filters: Vec<SubscribeFilter>,
}

impl Subscriber {
    fn new(args: SubArgs) -> Result<Subscriber, String> {
        let prepared = prepare(&args.connect)?;
        let maximum_qos = parse_qos(args.qos, "-q")?;
        let retain_handling = match args.retain_handling {
            0 => RetainHandling::SendAtSubscribe,
            1 => RetainHandling::SendAtSubscribeIfNew,
            2 => RetainHandling::DoNotSend,
            other => return Err(format!("--retain-handling {other}: use 0, 1 or 2")),
        };
        super::validate_filters(
            args.topics
                .iter()
                .chain(&args.filter_out)
                .chain(&args.unsubscribe),
        )?;
        if args.print_format.is_some() && (args.verbose || args.format == OutputFormat::Text) {
            return Err("-F prints its own format; leave out -v and --format text".to_owned());
        }
        if let Some(format) = &args.print_format {
            super::sub_format::check(format)?;
        }
        if args.print_format.is_some() && args.decode.is_some() {
            return Err(
                "-F prints its own format; --decode adds to the JSON lines only".to_owned(),
            );
        }
        let reader = super::decoding::reader(&args)?;
        let options = SubscriptionOptions {
            maximum_qos,
            no_local: args.no_local,
            retain_as_published: args.retain_as_published,
            retain_handling,
        };
        let filters = args
            .topics
            .iter()
            .map(|filter| SubscribeFilter {
                filter: filter.as_str().into(),
                options,
            })
            .collect();
        Ok(Subscriber {
            args,
            reader,
            prepared,
            filters,
        })
    }

    fn run(mut self) -> i32 {
        let mut config = self.prepared.config.clone();
        let recording = match &self.args.record {
            Some(path) => match start_recording(path, &config) {
                Ok(recorder) => {
                    let status = recorder.status();
                    config.recorder = Some(recorder);
                    Some((path.clone(), status))
                }
                Err(error) => {
                    eprintln!(
                        "mqscope: {}: {}",
                        path.display(),
                        words::record_error(&error)
                    );
                    return EXIT_FAILURE;
                }
            },
            None => None,
        };
        let handle = match ConnectionHandle::spawn(config, None) {
            Ok(handle) => handle,
            Err(error) => {
                eprintln!("mqscope: cannot start the network thread: {error}");
                return EXIT_FAILURE;
            }
        };
        let mut formatter = self.args.print_format.as_deref().map(Formatter::new);
        if let Some(formatter) = &mut formatter {
            formatter.pretty = self.args.pretty;
            formatter.end_of_line = !self.args.no_newline;
        }
        let mut run = Run {
            commands: handle.command_sender(),
            text: self.args.verbose || self.args.format == OutputFormat::Text,
            formatter,
            line: Vec::new(),
            exit: 0,
            ever_connected: false,
            subscribed: false,
            acknowledged: Acknowledged::default(),
            finishing: false,
            stop_when_cleared: None,
            removals: 0,
            next_tag: 100,
            received: 0,
        };
        {
            let commands = run.commands.clone();
            let properties = self.prepared.properties.disconnect.clone();
            // Ctrl-C: DISCONNECT 0x00, then exit 0.
            let _ = ctrlc::set_handler(move || send_disconnect(&commands, &properties));
        }
        let deadline = self
            .args
            .timeout_secs
            .and_then(|secs| deadline(Instant::now(), secs));
        let mut out = BufWriter::with_capacity(64 * 1024, io::stdout().lock());
        loop {
            let event = match deadline {
                Some(at) if !run.finishing => {
                    match handle.next_timeout(at.saturating_duration_since(Instant::now())) {
                        Ok(event) => event,
                        Err(RecvTimeoutError::Timeout) => {
                            let _ = out.flush();
                            eprintln!(
                                "mqscope: timed out after {} s",
                                self.args.timeout_secs.unwrap_or_default()
                            );
                            self.stop(&mut run, EXIT_TIMEOUT);
                            continue;
                        }
                        Err(RecvTimeoutError::Disconnected) => break,
                    }
                }
                _ => match handle.next() {
                    Some(event) => event,
                    None => break,
                },
            };
            if !self.on_event(&mut run, &mut out, event) {
                break;
            }
            if !handle.has_events() {
                let _ = out.flush();
            }
        }
        let _ = out.flush();
        handle.join();
        if let Some((path, status)) = recording {
            finish_recording(&path, &status, &mut run.exit);
        }
        run.exit
    }

    /// Disconnect once, exiting with `exit` when it is not 0; after the
    /// retained messages being cleared are, when there are some.
    fn stop(&self, run: &mut Run, exit: i32) {
        if exit != 0 {
            run.exit = exit;
        }
        if run.removals > 0 && !run.finishing {
            run.stop_when_cleared = Some(exit);
            return;
        }
        if !run.finishing {
            run.finishing = true;
            send_disconnect(&run.commands, &self.prepared.properties.disconnect);
        }
    }

    /// Take in one network event; false when the network thread has stopped.
    fn on_event(&mut self, run: &mut Run, out: &mut impl Write, event: Event) -> bool {
        match event {
            Event::Message(publish) | Event::MessageAt { publish, .. } => {
                self.on_message(run, out, &publish)
            }
            Event::Connected(_) => {
                run.ever_connected = true;
                if !run.subscribed {
                    run.subscribed = true;
                    if !self.filters.is_empty() {
                        run.commands.send(Command::Subscribe {
                            tag: 1,
                            filters: self.filters.clone(),
                            properties: self.prepared.properties.subscribe.clone(),
                        });
                    }
                    if !self.args.unsubscribe.is_empty() {
                        run.commands.send(Command::Unsubscribe {
                            tag: 2,
                            filters: self
                                .args
                                .unsubscribe
                                .iter()
                                .map(|f| f.as_str().into())
                                .collect(),
                            properties: self.prepared.properties.unsubscribe.clone(),
                        });
                    }
                }
            }
            Event::Subscribed {
                results,
                reason_string,
                ..
            } => {
                self.on_subscribed(run, &results, reason_string.as_deref());
                run.acknowledged.subscribe = true;
                self.exit_when_acknowledged(run);
            }
            Event::Unsubscribed { results, .. } => {
                for result in results.iter().filter(|r| r.reason_code.is_error()) {
                    eprintln!(
                        "mqscope: the broker did not unsubscribe \"{}\": {} ({})",
                        result.filter,
                        result.reason_code.meaning(),
                        result.reason_code
                    );
                }
                run.acknowledged.unsubscribe = true;
                self.exit_when_acknowledged(run);
            }
            Event::PublishCompleted { tag, .. } | Event::PublishFailed { tag, .. }
                if tag >= 100 =>
            {
                run.removals = run.removals.saturating_sub(1);
                if run.removals == 0
                    && let Some(exit) = run.stop_when_cleared.take()
                {
                    self.stop(run, exit);
                }
            }
            Event::RequestFailed { error, .. } => {
                eprintln!("mqscope: {}", words::session_error(&error));
                self.stop(run, EXIT_FAILURE);
            }
            Event::ConnectFailed(error) => {
                eprintln!("mqscope: {}", words::connect_error(&error));
                if !run.ever_connected {
                    self.stop(run, EXIT_FAILURE);
                }
            }
            Event::Disconnected(reason) => {
                if !matches!(reason, CloseReason::ClientRequest { .. }) {
                    eprintln!("mqscope: {}", words::close_reason(&reason));
                    if !run.ever_connected || ends_the_run(&reason) {
                        self.stop(run, EXIT_FAILURE);
                    }
                }
            }
            Event::Reconnecting { delay, .. } => {
                if !run.finishing {
                    eprintln!("mqscope: reconnecting in {:.1} s", delay.as_secs_f64());
                }
            }
            Event::Packet {
                direction, bytes, ..
            } => print_packet(
                direction,
                &bytes,
                self.prepared.config.connect.protocol_version,
            ),
            Event::Stopped => return false,
            Event::Connecting { .. }
            | Event::PublishCompleted { .. }
            | Event::PublishFailed { .. }
            | Event::Rewound => {}
        }
        true
    }

    /// Print a message (unless -R, --retained-only or -T leaves it out),
    /// clear it with --remove-retained; stop after `-C` messages, at the
    /// first message not retained with --retained-only, or when the reader
    /// has gone. The order of the checks is mosquitto_sub's.
    fn on_message(&mut self, run: &mut Run, out: &mut impl Write, publish: &Publish) {
        if run.finishing || run.stop_when_cleared.is_some() {
            return;
        }
        if self.args.retained_only && !publish.retain {
            self.stop(run, 0);
            return;
        }
        if (publish.retain && self.args.no_retained)
            || self
                .args
                .filter_out
                .iter()
                .any(|f| topic::topic_matches(f, &publish.topic))
        {
            return;
        }
        if self.args.remove_retained && publish.retain {
            let mut clear = Publish::new(publish.topic.clone(), bytes::Bytes::new());
            clear.retain = true;
            clear.qos = crate::proto::QoS::AtLeastOnce;
            run.removals += 1;
            run.next_tag += 1;
            run.commands.send(Command::Publish {
                tag: run.next_tag,
                publish: clear,
            });
        }
        if self.print(run, out, publish).is_err() {
            // The reader went away (e.g. `| head`): stop quietly.
            self.stop(run, 0);
            return;
        }
        run.received += 1;
        if self.args.count.is_some_and(|count| run.received >= count) {
            self.stop(run, 0);
        }
    }

    /// Write `publish` in the output asked for.
    fn print(&mut self, run: &mut Run, out: &mut impl Write, publish: &Publish) -> io::Result<()> {
        if let Some(formatter) = &run.formatter {
            run.line.clear();
            let notes = formatter.write(&mut run.line, publish, chrono::Local::now());
            for FormatNote::NotJson { topic } in notes {
                eprintln!(
                    "mqscope: the payload on {topic} is not valid JSON, so %J prints nothing"
                );
            }
            return out.write_all(&run.line);
        }
        if !self.args.pretty && !self.args.no_newline {
            return if run.text {
                output::write_text(out, publish)
            } else {
                output::write_json(out, publish, SystemTime::now(), self.reader.as_mut())
            };
        }
        run.line.clear();
        if run.text {
            output::write_text(&mut run.line, publish)?;
        } else {
            output::write_json(
                &mut run.line,
                publish,
                SystemTime::now(),
                self.reader.as_mut(),
            )?;
            if self.args.pretty {
                let value: serde_json::Value =
                    serde_json::from_slice(&run.line).map_err(io::Error::other)?;
                run.line = serde_json::to_vec_pretty(&value).map_err(io::Error::other)?;
                run.line.push(b'\n');
            }
        }
        if self.args.no_newline && run.line.last() == Some(&b'\n') {
            run.line.pop();
        }
        out.write_all(&run.line)
    }

    /// With -E, stop once every request sent is acknowledged; with only
    /// -U filters, there is nothing more to wait for either.
    fn exit_when_acknowledged(&self, run: &mut Run) {
        let subscribed = self.filters.is_empty() || run.acknowledged.subscribe;
        let unsubscribed = self.args.unsubscribe.is_empty() || run.acknowledged.unsubscribe;
        if subscribed && unsubscribed && (self.args.exit_after_subscribe || self.filters.is_empty())
        {
            self.stop(run, 0);
        }
    }

    /// Report each refused filter; when all were refused there is nothing to wait for.
    fn on_subscribed(&self, run: &mut Run, results: &[SubscriptionResult], said: Option<&str>) {
        let refused: Vec<_> = results
            .iter()
            .filter(|r| r.reason_code.is_error())
            .collect();
        for result in &refused {
            eprintln!(
                "mqscope: the broker refused the subscription to \"{}\": {} ({}){}",
                result.filter,
                result.reason_code.meaning(),
                result.reason_code,
                said.map(|r| format!(" The broker says: \"{r}\"."))
                    .unwrap_or_default()
            );
        }
        if !results.is_empty() && refused.len() == results.len() {
            eprintln!("mqscope: every subscription was refused");
            self.stop(run, EXIT_FAILURE);
        }
    }
}

/// The state of one `mqscope sub` run.
struct Run {
    commands: CommandSender,
    /// Text output (otherwise JSON lines).
    text: bool,
    /// `-F`'s format, when given.
    formatter: Option<Formatter>,
    /// A message's output being made.
    line: Vec<u8>,
    exit: i32,
    ever_connected: bool,
    subscribed: bool,
    acknowledged: Acknowledged,
    finishing: bool,
    /// Stop (with this status) once the retained messages being cleared are.
    stop_when_cleared: Option<i32>,
    /// Retained messages being cleared, not yet acknowledged.
    removals: usize,
    next_tag: u64,
    received: u64,
}

/// Which requests the broker has answered.
#[derive(Default)]
struct Acknowledged {
    subscribe: bool,
    unsubscribe: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timeout_too_far_ahead_means_no_timeout() {
        let now = Instant::now();
        assert_eq!(deadline(now, u64::MAX), None);
        assert_eq!(deadline(now, 1), Some(now + Duration::from_secs(1)));
    }

    #[test]
    fn a_timeout_of_136_years_is_still_a_deadline() {
        let now = Instant::now();
        let secs = u64::from(u32::MAX);
        assert_eq!(deadline(now, secs), Some(now + Duration::from_secs(secs)));
    }

    proptest::proptest! {
        #[test]
        fn any_timeout_is_exact_or_no_timeout(secs in proptest::num::u64::ANY) {
            let now = Instant::now();
            if let Some(at) = deadline(now, secs) {
                proptest::prop_assert_eq!(at.duration_since(now), Duration::from_secs(secs));
            }
        }
    }
}
