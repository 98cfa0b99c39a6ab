//! `mqscope sub` and `mqscope pub` option for option against mosquitto's
//! own clients on one mosquitto: `-F` format strings printed byte for byte
//! as `mosquitto_sub` prints them, and `-R`, `--retained-only`, `-E`, `-U`,
//! `--remove-retained`, `-N`, `--pretty` and `pub --repeat` checked with
//! `mosquitto_sub` and `mosquitto_pub` on the other side.

mod support;

use std::io::Read;
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use support::mosquitto::{Mosquitto, start_with_clients};
use support::mqscope_bin;

/// Every `%` code, every flag, the escapes and `@@` / `%%`, in strings
/// whose output holds no time (compared byte for byte).
const EXACT_FORMATS: &[&str] = &[
    r"%t\t%p\t%q%r%l %m\\|\e[0m|\0|@@|%%|\a\v\r\n|",
    "%x|%X|%C|%F|%E|%R|%D|%P|%S|%A",
    "[%-20t][%20t][%.4t][%-8.3t][%05l][%-5m][%5q][%10x][%-12p][%6p][%-p][%04S][%6C][%03F][%-4E][%3A]",
    "%j",
    "%J",
];

/// Time codes, compared by shape: every digit stands for any digit.
const TIME_FORMAT: &str =
    "%t %I %U @Y-@m-@dT@H:@M:@S.@N @s @j @e @y @C @u @w @H @I @M @p @a @A @b @B @%";

/// Runs `program` with `args`, its standard output gathered as it comes.
struct Running {
    child: Child,
    out: Arc<Mutex<Vec<u8>>>,
    err: Arc<Mutex<Vec<u8>>>,
}

impl Running {
    fn start(program: &str, args: &[String]) -> Running {
        let mut child = Command::new(program)
            .args(args)
            .env("TZ", "UTC")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("start {program}: {e}"));
        let gather = |mut pipe: Box<dyn Read + Send>| {
            let buffer = Arc::new(Mutex::new(Vec::new()));
            let into = buffer.clone();
            std::thread::spawn(move || {
                let mut chunk = [0u8; 4096];
                while let Ok(n) = pipe.read(&mut chunk) {
                    if n == 0 {
                        break;
                    }
                    into.lock().unwrap().extend_from_slice(&chunk[..n]);
                }
            });
            buffer
        };
        let out = gather(Box::new(child.stdout.take().unwrap()));
        let err = gather(Box::new(child.stderr.take().unwrap()));
        Running { child, out, err }
    }

    fn printed(&self) -> usize {
        self.out.lock().unwrap().len()
    }

    /// What it said on standard error so far.
    fn said(&self) -> String {
        String::from_utf8_lossy(&self.err.lock().unwrap()).into_owned()
    }

    /// Its exit status and output, after waiting at most `within`.
    fn finish(mut self, within: Duration) -> (Option<i32>, Vec<u8>, String) {
        let deadline = Instant::now() + within;
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status.code();
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                break None;
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        std::thread::sleep(Duration::from_millis(50));
        let out = self.out.lock().unwrap().clone();
        let err = String::from_utf8_lossy(&self.err.lock().unwrap()).into_owned();
        (status, out, err)
    }
}

impl Drop for Running {
    /// No client outlives its test.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).collect()
}

fn port_args(broker: &Mosquitto) -> Vec<String> {
    strings(&["-h", "127.0.0.1", "-p", &broker.port.to_string()])
}

fn mosquitto_pub(broker: &Mosquitto, args: &[&str]) {
    let output = Command::new("mosquitto_pub")
        .args(port_args(broker))
        .args(["-V", "mqttv5"])
        .args(args)
        .output()
        .expect("run mosquitto_pub");
    assert!(
        output.status.success(),
        "mosquitto_pub {args:?}: {output:?}"
    );
}

fn mqscope(args: &[String]) -> Output {
    Command::new(mqscope_bin())
        .args(args)
        .env("TZ", "UTC")
        .output()
        .expect("run mqscope")
}

/// Waits until `done` holds, at most 10 s.
fn wait_until(what: &str, done: impl FnMut() -> bool) {
    wait_or_say(|| what.to_owned(), done);
}

/// Waits until `done` holds, at most 10 s; `what` says what was waited
/// for, and what is known of it, when it does not.
fn wait_or_say(what: impl Fn() -> String, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !done() {
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {}",
            what()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The messages of the differential test: retained ones set before the
/// subscribers start, the rest published while both listen.
fn publish_retained(broker: &Mosquitto, dir: &std::path::Path) {
    let binary = dir.join("binary.dat");
    std::fs::write(&binary, b"\x00bin\nary\xff\x7f\x01").unwrap();
    mosquitto_pub(
        broker,
        &[
            "-t",
            "mq/r/text",
            "-r",
            "-q",
            "1",
            "-m",
            "retained \"text\" \\ é",
            "-D",
            "publish",
            "content-type",
            "text/plain; charset=utf-8",
            "-D",
            "publish",
            "user-property",
            "k",
            "v",
            "-D",
            "publish",
            "response-topic",
            "mq/reply",
            "-D",
            "publish",
            "correlation-data",
            "c0rr",
            "-D",
            "publish",
            "payload-format-indicator",
            "1",
        ],
    );
    mosquitto_pub(
        broker,
        &["-t", "mq/r/bin", "-r", "-f", binary.to_str().unwrap()],
    );
}

fn publish_live(broker: &Mosquitto) {
    mosquitto_pub(
        broker,
        &[
            "-t",
            "mq/l/json",
            "-q",
            "1",
            "-m",
            r#"{"t": 21.5, "ok": true, "n": [1, -2, 3e10, 0.1], "s": "a\"b", "o": {}}"#,
            "-D",
            "publish",
            "content-type",
            "application/json",
            "-D",
            "publish",
            "message-expiry-interval",
            "600",
        ],
    );
    mosquitto_pub(broker, &["-t", "mq/l/empty", "-n"]);
    mosquitto_pub(
        broker,
        &[
            "-t",
            "mq/l/qos2",
            "-q",
            "2",
            "-m",
            "two",
            "-D",
            "publish",
            "user-property",
            "x",
            "y",
            "-D",
            "publish",
            "user-property",
            "x",
            "z",
        ],
    );
    mosquitto_pub(
        broker,
        &[
            "-t",
            "mq/l/utf8",
            "-m",
            "ăîșțâ € 𝄞",
            "-D",
            "publish",
            "payload-format-indicator",
            "1",
        ],
    );
}

const MESSAGES: usize = 6;

/// mosquitto_sub's and mqscope sub's output of one format on the same
/// messages (with `extra` options for both).
fn both_print(
    broker: &Mosquitto,
    dir: &std::path::Path,
    format: &str,
    extra: &[&str],
) -> (Vec<u8>, Vec<u8>) {
    // -T's messages are not counted by -C either.
    let hidden = extra.iter().filter(|a| **a == "-T").count();
    let mut common = port_args(broker);
    common.extend(strings(&[
        "-t",
        "mq/#",
        "-q",
        "1",
        "-C",
        &(MESSAGES - hidden).to_string(),
        "-F",
        format,
        "-D",
        "subscribe",
        "subscription-identifier",
        "7",
    ]));
    common.extend(strings(extra));
    let mut theirs_args = strings(&["-V", "mqttv5"]);
    theirs_args.extend(common.clone());
    let mut ours_args = strings(&["sub"]);
    ours_args.extend(common);
    publish_retained(broker, dir);
    let theirs = Running::start("mosquitto_sub", &theirs_args);
    let ours = Running::start(mqscope_bin(), &ours_args);
    // Both print the retained messages once subscribed.
    wait_or_say(
        || {
            format!(
                "both subscribers to print the retained messages (mosquitto_sub: {} bytes, {}; mqscope: {} bytes, {})",
                theirs.printed(),
                theirs.said(),
                ours.printed(),
                ours.said()
            )
        },
        || theirs.printed() > 0 && ours.printed() > 0,
    );
    publish_live(broker);
    let (their_status, their_out, their_err) = theirs.finish(Duration::from_secs(10));
    let (our_status, our_out, our_err) = ours.finish(Duration::from_secs(10));
    assert_eq!(
        their_status,
        Some(0),
        "mosquitto_sub -F {format}: {their_err}"
    );
    assert_eq!(our_status, Some(0), "mqscope sub -F {format}: {our_err}");
    (their_out, our_out)
}

/// `"tst":"…"` (or its pretty form) with the time taken out.
fn without_tst(bytes: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(bytes);
    let mut out = String::new();
    let mut rest = text.as_ref();
    while let Some(at) = rest.find("\"tst\":") {
        let value = rest[at..].find('"').map(|_| at + 6).unwrap();
        let open = value + rest[value..].find('"').unwrap();
        let close = open + 1 + rest[open + 1..].find('"').unwrap();
        out.push_str(&rest[..open]);
        out.push_str("\"TIME\"");
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out.into_bytes()
}

fn shape(bytes: &[u8]) -> Vec<u8> {
    bytes
        .iter()
        .map(|&b| if b.is_ascii_digit() { b'9' } else { b })
        .collect()
}

#[test]
#[cfg_attr(
    not(mosquitto_installed),
    ignore = "needs mosquitto and its clients: apt-get install mosquitto mosquitto-clients"
)]
fn every_format_code_prints_what_mosquitto_sub_prints() {
    let test = "sub_format";
    let Some(broker) = start_with_clients(test) else {
        return;
    };
    let dir = support::temp_dir(test);
    for format in EXACT_FORMATS {
        let (theirs, ours) = both_print(&broker, &dir, format, &[]);
        assert!(!theirs.is_empty());
        assert_eq!(
            String::from_utf8_lossy(&without_tst(&ours)),
            String::from_utf8_lossy(&without_tst(&theirs)),
            "-F {format}"
        );
        assert_eq!(
            without_tst(&ours),
            without_tst(&theirs),
            "-F {format}, byte for byte"
        );
    }
    for (format, extra) in [
        ("%J", &["--pretty"][..]),
        ("%j", &["--pretty", "-N"][..]),
        ("%t %l", &["-N"][..]),
        ("%t", &["-T", "mq/l/empty"][..]),
    ] {
        let (theirs, ours) = both_print(&broker, &dir, format, extra);
        assert_eq!(
            String::from_utf8_lossy(&without_tst(&ours)),
            String::from_utf8_lossy(&without_tst(&theirs)),
            "-F {format} {extra:?}"
        );
    }
    let (theirs, ours) = both_print(&broker, &dir, TIME_FORMAT, &[]);
    assert_eq!(
        String::from_utf8_lossy(&shape(&ours)),
        String::from_utf8_lossy(&shape(&theirs)),
        "-F {TIME_FORMAT}, by shape"
    );
    // What mosquitto_sub refuses before connecting, mqscope refuses too.
    for bad in ["%", "%5", "%k", "@", "\\", "\\q"] {
        let theirs = Command::new("mosquitto_sub")
            .args(port_args(&broker))
            .args(["-t", "x", "-F", bad])
            .output()
            .unwrap();
        let mut args = strings(&["sub", "-t", "x", "-F", bad]);
        args.extend(port_args(&broker));
        let ours = mqscope(&args);
        assert!(!theirs.status.success(), "mosquitto_sub -F {bad}");
        assert!(!ours.status.success(), "mqscope sub -F {bad}");
        assert!(
            String::from_utf8_lossy(&ours.stderr).contains("-F:"),
            "{bad}: {}",
            String::from_utf8_lossy(&ours.stderr)
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// When a test publishes a message that is not retained.
enum Live {
    None,
    AfterRetained(&'static str),
    UntilPrinted(&'static str),
}

fn retained_setup(broker: &Mosquitto) {
    for n in 1..=3 {
        mosquitto_pub(
            broker,
            &["-t", &format!("keep/{n}"), "-r", "-m", &format!("kept {n}")],
        );
    }
}

/// `mosquitto_sub -t FILTER -W 2 -v`'s lines: what a fresh subscriber gets.
fn fresh_subscriber_sees(broker: &Mosquitto, filter: &str, wait_secs: &str) -> Vec<String> {
    let output = Command::new("mosquitto_sub")
        .args(port_args(broker))
        .args(["-t", filter, "-v", "-W", wait_secs])
        .output()
        .expect("run mosquitto_sub");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
#[cfg_attr(
    not(mosquitto_installed),
    ignore = "needs mosquitto and its clients: apt-get install mosquitto mosquitto-clients"
)]
fn retained_options_and_exit_after_subscribe_behave_as_mosquitto_subs() {
    let test = "sub_retained";
    let Some(broker) = start_with_clients(test) else {
        return;
    };
    retained_setup(&broker);
    let run = |extra: &[&str], live: Live| -> (Option<i32>, String) {
        let mut args = strings(&["sub"]);
        args.extend(port_args(&broker));
        args.extend(strings(&["-t", "keep/#", "--format", "text", "-W", "5"]));
        args.extend(strings(extra));
        let running = Running::start(mqscope_bin(), &args);
        match live {
            // Once subscribed (it printed the retained messages), a
            // message that is not retained.
            Live::AfterRetained(topic) => {
                wait_or_say(
                    || format!("the retained messages ({})", running.said()),
                    || running.printed() > 0,
                );
                mosquitto_pub(&broker, &["-t", topic, "-m", "live"]);
            }
            // It prints no retained message: the message again until it
            // is printed (once subscribed).
            Live::UntilPrinted(topic) => wait_or_say(
                || format!("a live message ({})", running.said()),
                || {
                    mosquitto_pub(&broker, &["-t", topic, "-m", "live"]);
                    std::thread::sleep(Duration::from_millis(200));
                    running.printed() > 0
                },
            ),
            Live::None => {}
        }
        let (status, out, err) = running.finish(Duration::from_secs(10));
        (status, String::from_utf8_lossy(&out).into_owned() + &err)
    };

    // -E: subscribed, then out at once, with nothing waited for.
    let started = Instant::now();
    let (status, _) = run(&["-E"], Live::None);
    assert_eq!(status, Some(0));
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "-E did not wait for -W"
    );

    // --retained-only: the three retained ones, then out at the live one.
    let (status, printed) = run(&["--retained-only"], Live::AfterRetained("keep/live"));
    assert_eq!(status, Some(0), "{printed}");
    let lines: Vec<&str> = printed.lines().collect();
    assert_eq!(
        lines,
        ["keep/1 kept 1", "keep/2 kept 2", "keep/3 kept 3"],
        "{printed}"
    );

    // -R: the live one only (and -C 1 ends it).
    let (status, printed) = run(&["-R", "-C", "1"], Live::UntilPrinted("keep/live"));
    assert_eq!(status, Some(0), "{printed}");
    assert_eq!(printed.lines().collect::<Vec<_>>(), ["keep/live live"]);

    // --remove-retained with -T: keep/2 stays, the others are cleared.
    let (status, printed) = run(
        &["--remove-retained", "-T", "keep/2", "--retained-only"],
        Live::AfterRetained("keep/live"),
    );
    assert_eq!(status, Some(0), "{printed}");
    let mut left = fresh_subscriber_sees(&broker, "keep/#", "1");
    left.sort();
    assert_eq!(left, ["keep/2 kept 2"], "only the filtered-out one is left");
}

#[test]
#[cfg_attr(
    not(mosquitto_installed),
    ignore = "needs mosquitto and its clients: apt-get install mosquitto mosquitto-clients"
)]
fn unsubscribe_leaves_a_persistent_session_without_the_subscription() {
    let test = "sub_unsubscribe";
    let Some(broker) = start_with_clients(test) else {
        return;
    };
    let id = format!("mqscope-unsub-{}", fastrand::u32(..));
    let session = |extra: &[&str]| {
        let mut args = strings(&["sub"]);
        args.extend(port_args(&broker));
        args.extend(strings(&[
            "-c", "-i", &id, "-x", "600", "-q", "1", "-W", "3",
        ]));
        args.extend(strings(extra));
        mqscope(&args)
    };
    // A persistent session subscribed to two filters, then gone.
    let made = session(&["-t", "persist/a", "-t", "persist/b", "-E"]);
    assert!(made.status.success(), "{made:?}");
    // Unsubscribe one of them with -U alone: out once acknowledged.
    let started = Instant::now();
    let dropped = session(&["-U", "persist/a"]);
    assert!(dropped.status.success(), "{dropped:?}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "-U alone ends once unsubscribed"
    );
    // While the session is away, a message to each filter.
    mosquitto_pub(&broker, &["-t", "persist/a", "-q", "1", "-m", "to a"]);
    mosquitto_pub(&broker, &["-t", "persist/b", "-q", "1", "-m", "to b"]);
    // Back in the session: only b's message was kept for it.
    let back = session(&["-t", "persist/none", "--format", "text", "-C", "1"]);
    let printed = String::from_utf8_lossy(&back.stdout);
    assert!(back.status.success(), "{back:?}");
    assert_eq!(printed.lines().collect::<Vec<_>>(), ["persist/b to b"]);
}

#[test]
#[cfg_attr(
    not(mosquitto_installed),
    ignore = "needs mosquitto and its clients: apt-get install mosquitto mosquitto-clients"
)]
fn pub_repeat_sends_n_messages_with_the_delay_between() {
    let test = "pub_repeat";
    let Some(broker) = start_with_clients(test) else {
        return;
    };
    let mut sub_args = port_args(&broker);
    sub_args.extend(strings(&["-t", "rep/#", "-v", "-W", "10"]));
    let counter = Running::start("mosquitto_sub", &sub_args);
    // mosquitto_sub prints nothing until a message comes: give it a moment
    // to subscribe, proven by a first message it must print.
    wait_until("mosquitto_sub to subscribe", || {
        mosquitto_pub(&broker, &["-t", "rep/ready", "-m", "ready"]);
        std::thread::sleep(Duration::from_millis(100));
        counter.printed() > 0
    });
    let mut args = strings(&["pub"]);
    args.extend(port_args(&broker));
    args.extend(strings(&[
        "-t",
        "rep/x",
        "-m",
        "again",
        "-q",
        "1",
        "--repeat",
        "5",
        "--repeat-delay",
        "0.1",
    ]));
    let started = Instant::now();
    let sent = mqscope(&args);
    let took = started.elapsed();
    assert!(sent.status.success(), "{sent:?}");
    // Four delays of 0.1 s between five messages (not a timing test: the
    // messages could not have gone faster than the delays allow).
    assert!(took >= Duration::from_millis(400), "{took:?}");
    std::thread::sleep(Duration::from_millis(300));
    let mut stopped = counter;
    let _ = stopped.child.kill();
    let (_, out, _) = stopped.finish(Duration::from_secs(2));
    let printed = String::from_utf8_lossy(&out);
    assert_eq!(
        printed.lines().filter(|l| *l == "rep/x again").count(),
        5,
        "{printed}"
    );

    // -n with --repeat: five empty messages; -l with --repeat is refused.
    let refused = mqscope(&{
        let mut a = strings(&["pub"]);
        a.extend(port_args(&broker));
        a.extend(strings(&["-t", "rep/x", "-l", "--repeat", "2"]));
        a
    });
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("does not go with -l"));
}

#[test]
#[cfg_attr(
    not(mosquitto_installed),
    ignore = "needs mosquitto and its clients: apt-get install mosquitto mosquitto-clients"
)]
fn exit_statuses_are_mosquittos() {
    let test = "exit_statuses";
    let Some(broker) = start_with_clients(test) else {
        return;
    };
    let port = broker.port.to_string();
    let closed = support::free_port().to_string();
    let cases: &[(&str, &[&str])] = &[
        ("mosquitto_pub", &["-p", &closed, "-t", "x", "-m", "y"]),
        ("mosquitto_pub", &["-p", &port, "-t", "x"]),
        ("mosquitto_pub", &["-p", &port, "-t", "a/#", "-m", "x"]),
        (
            "mosquitto_pub",
            &["-p", &port, "-t", "x", "-m", "y", "--repeat", "0"],
        ),
        (
            "mosquitto_pub",
            &["-p", &port, "-t", "x", "-m", "y", "--repeat", "2"],
        ),
        ("mosquitto_sub", &["-p", &closed, "-t", "x"]),
        ("mosquitto_sub", &["-p", &port, "-t", "x", "-W", "1"]),
        ("mosquitto_sub", &["-p", &port, "-t", "x", "-E"]),
        ("mosquitto_sub", &["-p", &port, "-t", "x", "-F", "%k"]),
    ];
    for (tool, args) in cases {
        let theirs = Command::new(tool)
            .args(["-h", "127.0.0.1"])
            .args(*args)
            .output()
            .unwrap();
        let mut ours_args = strings(&[
            if *tool == "mosquitto_pub" {
                "pub"
            } else {
                "sub"
            },
            "-h",
            "127.0.0.1",
        ]);
        ours_args.extend(strings(args));
        let ours = mqscope(&ours_args);
        assert_eq!(
            ours.status.code(),
            theirs.status.code(),
            "{tool} {args:?}: mqscope said {}",
            String::from_utf8_lossy(&ours.stderr)
        );
    }
}

/// A responder made of mosquitto's clients: `mosquitto_sub -F '%R %D %p'`
/// reads the request, and `mosquitto_pub` answers on its Response Topic,
/// first with another Correlation Data, then with the request's. A request
/// without a Response Topic only says the responder is listening.
fn start_responder(broker: &Mosquitto, requests: &str) -> (Running, std::thread::JoinHandle<()>) {
    let mut args = port_args(broker);
    args.extend(strings(&["-V", "mqttv5", "-t", requests, "-F", "%R %D %p"]));
    let listening = Running::start("mosquitto_sub", &args);
    let out = listening.out.clone();
    let port = broker.port.to_string();
    let answering = std::thread::spawn(move || {
        let mut answered = 0;
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            let text = String::from_utf8_lossy(&out.lock().unwrap()).into_owned();
            let requests: Vec<&str> = text.lines().filter(|l| !l.starts_with(' ')).collect();
            for request in requests.iter().skip(answered) {
                let mut parts = request.splitn(3, ' ');
                let (topic, correlation, payload) = (
                    parts.next().unwrap_or(""),
                    parts.next().unwrap_or(""),
                    parts.next().unwrap_or(""),
                );
                for (data, answer) in [("not-yours", "stray"), (correlation, payload)] {
                    let status = Command::new("mosquitto_pub")
                        .args(["-h", "127.0.0.1", "-p", &port, "-V", "mqttv5", "-t", topic])
                        .args(["-m", &format!("answer to {answer}")])
                        .args(["-D", "publish", "correlation-data", data])
                        .status()
                        .unwrap();
                    assert!(status.success());
                }
                answered += 1;
            }
            if answered > 0 {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    });
    (listening, answering)
}

#[test]
#[cfg_attr(
    not(mosquitto_installed),
    ignore = "needs mosquitto and its clients: apt-get install mosquitto mosquitto-clients"
)]
fn rr_pairs_a_request_with_its_response_and_times_out_when_nobody_answers() {
    let test = "rr";
    let Some(broker) = start_with_clients(test) else {
        return;
    };
    let (listening, _answering) = start_responder(&broker, "svc/req");
    // Listening once a ping (no Response Topic: a line starting with a
    // space) came through.
    wait_until("the responder to listen", || {
        mosquitto_pub(&broker, &["-t", "svc/req", "-m", "ping"]);
        std::thread::sleep(Duration::from_millis(100));
        listening.printed() > 0
    });
    let mut args = strings(&["rr"]);
    args.extend(port_args(&broker));
    args.extend(strings(&[
        "-t",
        "svc/req",
        "-e",
        "svc/resp/1",
        "-m",
        "question",
        "-W",
        "10",
        "-q",
        "1",
    ]));
    let asked = mqscope(&args);
    let stdout = String::from_utf8_lossy(&asked.stdout);
    let stderr = String::from_utf8_lossy(&asked.stderr);
    assert_eq!(asked.status.code(), Some(0), "{stdout} {stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{stdout}");
    let line: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(line["topic"], "svc/resp/1");
    assert_eq!(
        line["payload"], "answer to question",
        "the right one, not the stray"
    );
    assert!(line["round_trip_ms"].as_f64().unwrap() > 0.0, "{line}");
    assert!(stderr.contains("answers another request"), "{stderr}");

    // Nobody listens on this topic: out with 27 after -W, saying so.
    let mut args = strings(&["rr"]);
    args.extend(port_args(&broker));
    args.extend(strings(&[
        "-t",
        "nobody/listens",
        "-e",
        "svc/resp/2",
        "-m",
        "hello?",
        "-W",
        "1",
    ]));
    let unanswered = mqscope(&args);
    assert_eq!(unanswered.status.code(), Some(27));
    assert!(
        String::from_utf8_lossy(&unanswered.stderr)
            .contains("nothing answered on svc/resp/2 within 1 s"),
        "{}",
        String::from_utf8_lossy(&unanswered.stderr)
    );
    assert!(unanswered.stdout.is_empty());
}
