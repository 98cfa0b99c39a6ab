//! `mqscope sub`: subscribe and print every message.

use std::io::{self, BufWriter, Write};
use std::time::{Duration, Instant, SystemTime};

use crossbeam_channel::RecvTimeoutError;

use super::args::{OutputFormat, SubArgs};
use super::{EXIT_FAILURE, EXIT_TIMEOUT, output, parse_qos, prepare, print_packet};
use crate::net::{Command, ConnectionHandle, Event};
use crate::proto::session::CloseReason;
use crate::proto::{ReasonCode, RetainHandling, SubscribeFilter, SubscriptionOptions, topic};
use crate::ui::words;

/// When `-W secs` runs out, counted from `now`; `None` (no timeout) when the
/// system clock cannot represent an instant that far ahead.
fn deadline(now: Instant, secs: u64) -> Option<Instant> {
    now.checked_add(Duration::from_secs(secs))
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
        for filter in args.topics.iter().chain(&args.filter_out) {
            topic::validate_topic_filter(filter)
                .map_err(|e| format!("\"{filter}\" is not a valid topic filter: {e}"))?;
        }
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
            prepared,
            filters,
        })
    }

    fn run(self) -> i32 {
        let version = self.prepared.config.connect.protocol_version;
        let handle = match ConnectionHandle::spawn(self.prepared.config.clone(), None) {
            Ok(handle) => handle,
            Err(error) => {
                eprintln!("mqscope: cannot start the network thread: {error}");
                return EXIT_FAILURE;
            }
        };
        let commands = handle.command_sender();
        let disconnect_properties = self.prepared.properties.disconnect.clone();
        let stop = move |sender: &crate::net::CommandSender| {
            sender.send(Command::Disconnect {
                reason_code: ReasonCode::Success,
                properties: disconnect_properties.clone(),
            })
        };
        {
            let commands = commands.clone();
            let stop = stop.clone();
            // Ctrl-C: DISCONNECT 0x00, then exit 0.
            let _ = ctrlc::set_handler(move || stop(&commands));
        }
        let text = self.args.verbose || self.args.format == OutputFormat::Text;
        let deadline = self
            .args
            .timeout_secs
            .and_then(|secs| deadline(Instant::now(), secs));
        let mut out = BufWriter::with_capacity(64 * 1024, io::stdout().lock());
        let mut exit = 0;
        let mut ever_connected = false;
        let mut subscribed = false;
        let mut finishing = false;
        let mut received: u64 = 0;
        loop {
            let event = match deadline {
                Some(at) if !finishing => {
                    match handle
                        .events()
                        .recv_timeout(at.saturating_duration_since(Instant::now()))
                    {
                        Ok(event) => event,
                        Err(RecvTimeoutError::Timeout) => {
                            let _ = out.flush();
                            eprintln!(
                                "mqscope: timed out after {} s",
                                self.args.timeout_secs.unwrap_or_default()
                            );
                            exit = EXIT_TIMEOUT;
                            finishing = true;
                            stop(&commands);
                            continue;
                        }
                        Err(RecvTimeoutError::Disconnected) => break,
                    }
                }
                _ => match handle.events().recv() {
                    Ok(event) => event,
                    Err(_) => break,
                },
            };
            match event {
                Event::Message(publish) => {
                    if finishing
                        || self
                            .args
                            .filter_out
                            .iter()
                            .any(|f| topic::topic_matches(f, &publish.topic))
                    {
                        continue;
                    }
                    let written = if text {
                        output::write_text(&mut out, &publish)
                    } else {
                        output::write_json(&mut out, &publish, SystemTime::now())
                    };
                    if written.is_err() {
                        // The reader went away (e.g. `| head`): stop quietly.
                        finishing = true;
                        stop(&commands);
                        continue;
                    }
                    received += 1;
                    if self.args.count.is_some_and(|count| received >= count) {
                        finishing = true;
                        stop(&commands);
                    }
                }
                Event::Connected(_) => {
                    ever_connected = true;
                    if !subscribed {
                        subscribed = true;
                        commands.send(Command::Subscribe {
                            tag: 1,
                            filters: self.filters.clone(),
                            properties: self.prepared.properties.subscribe.clone(),
                        });
                    }
                }
                Event::Subscribed {
                    results,
                    reason_string,
                    ..
                } => {
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
                            reason_string
                                .as_ref()
                                .map(|r| format!(" The broker says: \"{r}\"."))
                                .unwrap_or_default()
                        );
                    }
                    if !results.is_empty() && refused.len() == results.len() {
                        eprintln!("mqscope: every subscription was refused");
                        exit = EXIT_FAILURE;
                        finishing = true;
                        stop(&commands);
                    }
                }
                Event::RequestFailed { error, .. } => {
                    eprintln!("mqscope: {}", words::session_error(&error));
                    exit = EXIT_FAILURE;
                    finishing = true;
                    stop(&commands);
                }
                Event::ConnectFailed(error) => {
                    eprintln!("mqscope: {error}");
                    if !ever_connected {
                        exit = EXIT_FAILURE;
                        finishing = true;
                        stop(&commands);
                    }
                }
                Event::Disconnected(reason) => {
                    if !matches!(reason, CloseReason::ClientRequest { .. }) {
                        eprintln!("mqscope: {}", words::close_reason(&reason));
                        if !ever_connected || matches!(reason, CloseReason::Refused(_)) {
                            exit = EXIT_FAILURE;
                            finishing = true;
                            stop(&commands);
                        }
                    }
                }
                Event::Reconnecting { delay, .. } => {
                    if !finishing {
                        eprintln!("mqscope: reconnecting in {:.1} s", delay.as_secs_f64());
                    }
                }
                Event::Packet {
                    direction, bytes, ..
                } => print_packet(direction, &bytes, version),
                Event::Stopped => break,
                Event::Connecting { .. }
                | Event::PublishCompleted { .. }
                | Event::PublishFailed { .. }
                | Event::Unsubscribed { .. } => {}
            }
            if handle.events().is_empty() {
                let _ = out.flush();
            }
        }
        let _ = out.flush();
        handle.join();
        exit
    }
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
