//! The firehose benchmark's two ends, driven by `scripts/bench-firehose.sh`.
//!
//! `harness = false`: this is a plain program with its own modes.
//!
//! ```text
//! cargo bench --bench firehose -- publish --port P --count N --topics T [--payload 64]
//! cargo bench --bench firehose -- ingest  --port P --count N [--id ID] [--idle-timeout 30]
//! cargo bench --bench firehose -- model   --count N --topics T [--payload 64]
//! cargo bench --bench firehose -- free-port
//! ```
//!
//! - `publish` floods a broker with N QoS 0 PUBLISH packets (topic
//!   `fire/<i % T>`, a 64-byte printable payload) over a plain blocking
//!   `TcpStream`, written with mqscope's own codec: CONNECT, wait for CONNACK,
//!   every PUBLISH encoded before the clock starts, written in 1 MiB batches,
//!   then DISCONNECT, and wait for the broker to close the socket (so every
//!   byte was read by it).
//! - `ingest` is the window's ingest path without drawing: mqscope's network
//!   thread subscribed to `fire/#`, its events drained in batches into a
//!   `ConnectionModel` with `model.apply(event, now)`, as `logic` in
//!   `src/app.rs` does. It reports messages per second, CPU seconds per million
//!   messages (whole process and per thread, from `/proc`), peak RSS and what
//!   the model holds.
//! - `model` is the same model fed from memory: N decoded `Event::Message`s
//!   prepared first, then applied in batches of 1024 — the model's own speed,
//!   with no broker and no network thread.
//! - `free-port` prints a free TCP port on 127.0.0.1.
//!
//! Every result is printed as `key=value` lines on stdout (the script reads
//! them); progress and errors go to stderr.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use bytes::{BufMut, BytesMut};
use mqscope::model::ConnectionModel;
use mqscope::net::{
    BrokerAddress, Command, ConnectionConfig, ConnectionHandle, Event, ReconnectPolicy, TlsOptions,
    TransportKind,
};
use mqscope::proto::session::SessionOptions;
use mqscope::proto::{
    Connect, Decoder, Disconnect, Packet, Properties, ProtocolVersion, Publish, QoS, ReasonCode,
    SubscribeFilter,
};

const V5: ProtocolVersion = ProtocolVersion::V5;
/// Linux reports CPU time in clock ticks of 1/100 s (`getconf CLK_TCK`).
const CLOCK_TICKS_PER_SEC: f64 = 100.0;
const WRITE_BATCH: usize = 1 << 20;

type Outcome = Result<(), String>;

fn main() -> ExitCode {
    // `cargo bench` appends `--bench`; ignore it.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let Some((mode, rest)) = args.split_first() else {
        eprintln!("{}", usage());
        return ExitCode::FAILURE;
    };
    let result = Options::parse(rest).and_then(|options| match mode.as_str() {
        "publish" => publish(&options),
        "ingest" => ingest(&options),
        "model" => from_memory(&options),
        "free-port" => free_port(),
        other => Err(format!("unknown mode \"{other}\"\n{}", usage())),
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("firehose: {message}");
            ExitCode::FAILURE
        }
    }
}

fn usage() -> &'static str {
    "usage: firehose publish --port P --count N --topics T [--payload BYTES] [--host H]\n       \
     firehose ingest --port P --count N [--id CLIENT_ID] [--idle-timeout SECS] [--host H]\n       \
     firehose model --count N --topics T [--payload BYTES]\n       \
     firehose free-port"
}

/// The options every mode shares, parsed by hand.
struct Options {
    host: String,
    port: u16,
    count: u64,
    topics: u64,
    payload: usize,
    client_id: String,
    idle_timeout: Duration,
}

impl Options {
    fn parse(args: &[String]) -> Result<Options, String> {
        let mut options = Options {
            host: "127.0.0.1".to_owned(),
            port: 1883,
            count: 1_000_000,
            topics: 10_000,
            payload: 64,
            client_id: format!("firehose-{}", std::process::id()),
            idle_timeout: Duration::from_secs(30),
        };
        let mut iter = args.iter();
        while let Some(flag) = iter.next() {
            let value = iter.next().ok_or_else(|| format!("{flag} needs a value"))?;
            let number = || {
                value
                    .replace('_', "")
                    .parse::<u64>()
                    .map_err(|e| format!("{flag} {value}: {e}"))
            };
            match flag.as_str() {
                "--host" => options.host = value.clone(),
                "--port" => {
                    options.port = u16::try_from(number()?).map_err(|e| format!("--port: {e}"))?
                }
                "--count" => options.count = number()?,
                "--topics" => options.topics = number()?.max(1),
                "--payload" => options.payload = number()? as usize,
                "--id" => options.client_id = value.clone(),
                "--idle-timeout" => options.idle_timeout = Duration::from_secs(number()?),
                other => return Err(format!("unknown option {other}\n{}", usage())),
            }
        }
        Ok(options)
    }
}

fn free_port() -> Outcome {
    let listener = TcpListener::bind(("127.0.0.1", 0)).map_err(|e| e.to_string())?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    println!("{port}");
    Ok(())
}

/// Message `seq` of the flood: QoS 0 on `fire/<seq % topics>`, a printable
/// payload of `len` bytes that starts with the sequence number (no newline, so
/// `mosquitto_sub -v` prints one line per message).
fn message(seq: u64, topics: u64, len: usize) -> Publish {
    let mut payload = format!("{seq:012} ").into_bytes();
    payload.resize(len, b'x');
    payload.truncate(len);
    Publish::new(format!("fire/{}", seq % topics), payload)
}

/// Every PUBLISH of the flood, encoded back to back.
fn encode_flood(options: &Options) -> Result<BytesMut, String> {
    let mut out = BytesMut::new();
    for seq in 0..options.count {
        Packet::Publish(message(seq, options.topics, options.payload))
            .encode(V5, None, &mut out)
            .map_err(|e| format!("encoding PUBLISH {seq}: {e}"))?;
    }
    Ok(out)
}

fn publish(options: &Options) -> Outcome {
    let flood = encode_flood(options)?;
    let address = (options.host.as_str(), options.port);
    let mut stream = TcpStream::connect(address)
        .map_err(|e| format!("connecting to {}:{}: {e}", options.host, options.port))?;
    stream.set_nodelay(true).map_err(|e| e.to_string())?;
    let mut connect = Connect::new(V5, format!("{}-pub", options.client_id));
    connect.keep_alive_secs = 0;
    let mut out = BytesMut::new();
    Packet::Connect(connect)
        .encode(V5, None, &mut out)
        .map_err(|e| e.to_string())?;
    stream.write_all(&out).map_err(|e| e.to_string())?;
    let mut decoder = Decoder::new(V5, None);
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .map_err(|e| e.to_string())?;
    loop {
        match decoder.next_packet().map_err(|e| e.to_string())? {
            Some(Packet::ConnAck(connack)) if connack.reason_code == ReasonCode::Success => break,
            Some(other) => return Err(format!("the broker answered CONNECT with {other:?}")),
            None => {
                let buffer = decoder.buffer_mut();
                let start = buffer.len();
                buffer.resize(start + 4096, 0);
                let n = stream
                    .read(&mut buffer[start..])
                    .map_err(|e| format!("waiting for CONNACK: {e}"))?;
                buffer.truncate(start + n);
                if n == 0 {
                    return Err("the broker closed the connection before CONNACK".into());
                }
            }
        }
    }

    let start = Instant::now();
    for batch in flood.chunks(WRITE_BATCH) {
        stream
            .write_all(batch)
            .map_err(|e| format!("writing the flood: {e}"))?;
    }
    let written = start.elapsed();
    out.clear();
    Packet::Disconnect(Disconnect::new(ReasonCode::Success))
        .encode(V5, None, &mut out)
        .map_err(|e| e.to_string())?;
    stream.write_all(&out).map_err(|e| e.to_string())?;
    // The broker closes the connection after reading DISCONNECT, so at EOF it
    // has read every PUBLISH before it.
    stream
        .set_read_timeout(Some(Duration::from_secs(300)))
        .map_err(|e| e.to_string())?;
    let mut sink = [0u8; 4096];
    while stream.read(&mut sink).map_err(|e| e.to_string())? > 0 {}
    let accepted = start.elapsed();

    let n = options.count as f64;
    println!("mode=publish");
    println!("count={}", options.count);
    println!("topics={}", options.topics);
    println!("payload_bytes={}", options.payload);
    println!("wire_bytes={}", flood.len());
    println!("write_seconds={:.3}", written.as_secs_f64());
    println!("accepted_seconds={:.3}", accepted.as_secs_f64());
    println!("msgs_per_sec={:.0}", n / accepted.as_secs_f64());
    eprintln!(
        "firehose publish: {} messages ({:.1} MB) on {} topics written in {:.2} s, read by the broker after {:.2} s ({:.0} messages/s)",
        options.count,
        flood.len() as f64 / 1e6,
        options.topics,
        written.as_secs_f64(),
        accepted.as_secs_f64(),
        n / accepted.as_secs_f64()
    );
    Ok(())
}

/// CPU time used so far, in clock ticks (user + system), from a `stat` file.
fn cpu_ticks(stat: &str) -> Option<u64> {
    // The command name (field 2) is in parentheses and may hold spaces.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // Fields 14 (utime) and 15 (stime) of stat(5), counted from field 3 here.
    Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
}

fn process_cpu_ticks() -> u64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| cpu_ticks(&s))
        .unwrap_or(0)
}

/// CPU ticks of each thread of this process, by thread name.
fn thread_cpu_ticks() -> HashMap<String, u64> {
    let mut threads = HashMap::new();
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return threads;
    };
    for task in tasks.flatten() {
        let path = task.path();
        let name = std::fs::read_to_string(path.join("comm"))
            .unwrap_or_default()
            .trim()
            .to_owned();
        if let Some(ticks) = std::fs::read_to_string(path.join("stat"))
            .ok()
            .and_then(|s| cpu_ticks(&s))
        {
            *threads.entry(name).or_default() += ticks;
        }
    }
    threads
}

/// A `kB` line of `/proc/self/status` (e.g. `VmHWM`, `VmRSS`), in bytes.
fn status_bytes(key: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|line| {
            let value = line.strip_prefix(key)?.strip_prefix(':')?;
            value
                .trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<u64>()
                .ok()
        })
        .unwrap_or(0)
        * 1024
}

fn seconds(ticks: u64) -> f64 {
    ticks as f64 / CLOCK_TICKS_PER_SEC
}

fn report_model(model: &ConnectionModel, rss_before: u64) {
    let history = &model.history;
    let kept = history.len().max(1) as f64;
    let rss_after = status_bytes("VmRSS");
    let evicted = model.evicted();
    println!("history_len={}", history.len());
    println!("history_evicted={}", evicted.messages);
    println!("history_max_messages={}", history.limits().max_messages);
    println!("topic_count={}", model.tree.topic_count());
    println!("topics_evicted={}", evicted.topics);
    println!("tree_nodes={}", model.tree.node_count());
    println!("tree_held_bytes={}", model.tree.held_bytes());
    println!("history_held_bytes={}", history.held_bytes());
    println!("held_bytes={}", model.held_bytes());
    println!("budget_bytes={}", model.budget());
    // What the process grew by, less what the tree holds, per kept message.
    let grown = rss_after.saturating_sub(rss_before) as f64;
    println!("rss_grown_bytes={grown:.0}");
    println!(
        "history_bytes_per_message_rss={:.0}",
        (grown - model.tree.held_bytes() as f64) / kept
    );
    // What a kept message costs beyond its payload, by the model's count and
    // by the resident set's growth.
    let payloads: usize = history.newest_first().map(|m| m.payload.len()).sum();
    println!(
        "overhead_bytes_per_message_estimate={:.0}",
        history.held_bytes().saturating_sub(payloads) as f64 / kept
    );
    println!(
        "overhead_bytes_per_message_rss={:.0}",
        (grown - model.tree.held_bytes() as f64 - payloads as f64) / kept
    );
    println!("peak_rss_bytes={}", status_bytes("VmHWM"));
}

fn ingest(options: &Options) -> Outcome {
    let mut connect = Connect::new(V5, options.client_id.clone());
    connect.keep_alive_secs = 60;
    let config = ConnectionConfig {
        address: BrokerAddress::new(TransportKind::Tcp, options.host.clone(), options.port),
        tls: TlsOptions::default(),
        connect,
        session: SessionOptions::default(),
        reconnect: ReconnectPolicy::disabled(),
        packet_log: false,
        recorder: None,
    };
    let rss_before = status_bytes("VmRSS");
    let handle = ConnectionHandle::spawn(config, None)
        .map_err(|e| format!("starting the network thread: {e}"))?;
    let mut model = ConnectionModel::default();

    // Connect and subscribe, feeding the model every event as the window does.
    let setup_deadline = Instant::now() + Duration::from_secs(10);
    let mut subscribed = false;
    while !subscribed {
        let event = handle
            .next_timeout(setup_deadline.saturating_duration_since(Instant::now()))
            .map_err(|_| format!("not subscribed within 10 s; state: {:?}", model.state))?;
        match &event {
            Event::Connected(_) => handle.send(Command::Subscribe {
                tag: 1,
                filters: vec![SubscribeFilter::new("fire/#", QoS::AtMostOnce)],
                properties: Properties::new(),
            }),
            Event::Subscribed { results, .. } => {
                if results.iter().any(|r| r.reason_code.is_error()) {
                    return Err(format!("the broker refused fire/#: {results:?}"));
                }
                subscribed = true;
            }
            Event::Stopped | Event::ConnectFailed(_) | Event::Disconnected(_) => {
                return Err(format!("the connection ended: {event:?}"));
            }
            _ => {}
        }
        model.apply(event, Instant::now());
    }
    eprintln!(
        "firehose ingest: subscribed to fire/# as {}",
        options.client_id
    );

    let mut received: u64 = 0;
    let mut first: Option<(Instant, u64, HashMap<String, u64>)> = None;
    let mut max_backlog = 0usize;
    let mut drains: u64 = 0;
    let mut batch: Vec<Event> = Vec::new();
    while received < options.count {
        // Wait for something, then drain everything there is, with one
        // `now` per drain — `Tab::drain` in src/app.rs.
        let Ok(event) = handle.next_timeout(options.idle_timeout) else {
            eprintln!(
                "firehose ingest: nothing for {} s; stopping at {received} of {} messages",
                options.idle_timeout.as_secs(),
                options.count
            );
            break;
        };
        max_backlog = max_backlog.max(handle.waiting_events() + 1);
        batch.push(event);
        batch.extend(std::iter::from_fn(|| handle.try_next()));
        drains += 1;
        let now = Instant::now();
        for event in batch.drain(..) {
            match &event {
                Event::Message(_) => {
                    if first.is_none() {
                        first = Some((now, process_cpu_ticks(), thread_cpu_ticks()));
                    }
                    received += 1;
                }
                Event::Stopped | Event::Disconnected(_) => {
                    eprintln!("firehose ingest: the connection ended: {event:?}");
                }
                _ => {}
            }
            model.apply(event, now);
        }
    }
    let end = Instant::now();
    let cpu_end = process_cpu_ticks();
    let threads_end = thread_cpu_ticks();
    let Some((start, cpu_start, threads_start)) = first else {
        return Err("no message arrived".into());
    };
    let wall = end.duration_since(start).as_secs_f64().max(1e-9);
    let per_million = |ticks: u64| seconds(ticks) / received.max(1) as f64 * 1e6;
    println!("mode=ingest");
    println!("count={}", options.count);
    println!("received={received}");
    println!("seconds={wall:.3}");
    println!("msgs_per_sec={:.0}", received as f64 / wall);
    println!("cpu_seconds={:.2}", seconds(cpu_end - cpu_start));
    println!(
        "cpu_seconds_per_million={:.2}",
        per_million(cpu_end - cpu_start)
    );
    for (name, ticks) in &threads_end {
        let before = threads_start.get(name).copied().unwrap_or(0);
        let key = if name.starts_with("mqscope-net") {
            "net_thread".to_owned()
        } else if name == "firehose" || name.starts_with("firehose-") {
            "model_thread".to_owned()
        } else {
            name.replace(|c: char| !c.is_ascii_alphanumeric(), "_")
        };
        println!(
            "{key}_cpu_seconds_per_million={:.2}",
            per_million(ticks.saturating_sub(before))
        );
    }
    println!("drains={drains}");
    println!("max_backlog={max_backlog}");
    println!("event_size_bytes={}", std::mem::size_of::<Event>());
    println!("publish_size_bytes={}", std::mem::size_of::<Publish>());
    println!(
        "stored_message_size_bytes={}",
        std::mem::size_of::<mqscope::model::StoredMessage>()
    );
    report_model(&model, rss_before);
    eprintln!(
        "firehose ingest: {received} messages in {wall:.2} s ({:.0}/s), {:.2} CPU s per million",
        received as f64 / wall,
        per_million(cpu_end - cpu_start)
    );

    handle.send(Command::Disconnect {
        reason_code: ReasonCode::Success,
        properties: Properties::new(),
    });
    handle.join();
    if received < options.count {
        return Err(format!("received {received} of {} messages", options.count));
    }
    Ok(())
}

/// The model fed from memory: no broker, no network thread.
fn from_memory(options: &Options) -> Outcome {
    // Decode the flood as the network thread would, so topics and payloads
    // are slices of one received buffer.
    let mut decoder = Decoder::new(V5, None);
    let encoded = encode_flood(options)?;
    decoder.buffer_mut().put_slice(&encoded);
    drop(encoded);
    let mut events = Vec::with_capacity(options.count as usize);
    while let Some(packet) = decoder.next_packet().map_err(|e| e.to_string())? {
        match packet {
            Packet::Publish(publish) => events.push(Event::Message(publish)),
            other => return Err(format!("unexpected {other:?}")),
        }
    }
    let rss_before = status_bytes("VmRSS");
    let mut model = ConnectionModel::default();
    let count = events.len() as u64;
    let cpu_start = process_cpu_ticks();
    let start = Instant::now();
    let mut events = events.into_iter();
    loop {
        let now = Instant::now();
        let mut applied = 0;
        for event in events.by_ref().take(1024) {
            model.apply(event, now);
            applied += 1;
        }
        if applied == 0 {
            break;
        }
    }
    let wall = start.elapsed().as_secs_f64().max(1e-9);
    let cpu = process_cpu_ticks() - cpu_start;
    println!("mode=model");
    println!("count={count}");
    println!("seconds={wall:.3}");
    println!("msgs_per_sec={:.0}", count as f64 / wall);
    println!("cpu_seconds={:.2}", seconds(cpu));
    println!(
        "cpu_seconds_per_million={:.2}",
        seconds(cpu) / count.max(1) as f64 * 1e6
    );
    // The emptied event list and the decoder's buffer are still held, so
    // the resident set grew by what the model took.
    report_model(&model, rss_before);
    drop((events, decoder));
    eprintln!(
        "firehose model: {count} messages on {} topics applied in {wall:.2} s ({:.0}/s)",
        options.topics,
        count as f64 / wall
    );
    Ok(())
}
