//! The window's built-in broker and demo sensors ("lab mode"). Starting and
//! stopping happen on their own threads, so the UI thread never waits for a
//! socket to bind or a runtime to wind down; results come back through
//! [`LabRuntime::poll`], which `logic` calls every frame.

use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, TryRecvError};

use std::net::{IpAddr, Ipv4Addr};

use crate::broker::demo::DemoSensors;
use crate::broker::{
    BrokerCounters, BrokerError, BrokerOptions, BuiltinBroker, Credentials, Listening, PortChoice,
};
use crate::net::Repaint;

/// Where the built-in broker stands.
pub enum LabState {
    /// Not running.
    Off,
    /// Starting on its thread.
    Starting(Receiver<Result<BuiltinBroker, BrokerError>>),
    /// Accepting connections.
    Running(Box<Running>),
    /// It could not start.
    Failed(BrokerError),
}

/// A running broker, its demo sensors and the last rate sample.
pub struct Running {
    broker: BuiltinBroker,
    demo: Option<DemoSensors>,
    sample: (Instant, BrokerCounters),
    rates: Rates,
}

/// Messages per second through the broker, over the last second or so.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Rates {
    /// PUBLISH packets received from clients, per second.
    pub received: f64,
    /// PUBLISH packets sent to clients, per second.
    pub sent: f64,
}

/// The built-in broker as the window runs it.
pub struct LabRuntime {
    state: LabState,
    /// Run the demo sensors once the broker is up.
    want_demo: bool,
    /// Listen on every network too, with these credentials (asked for on purpose).
    share: Option<Credentials>,
    /// Sharing changed while starting: restart once up.
    restart_when_up: bool,
    /// This computer's network addresses, read when sharing starts.
    addresses: Vec<IpAddr>,
    repaint: Option<Repaint>,
}

/// What [`LabRuntime::poll`] reports.
pub enum LabEvent {
    /// The broker accepts connections on these ports.
    Started(Listening),
    /// It could not start.
    Failed(BrokerError),
}

impl LabRuntime {
    /// A runtime with the broker off.
    pub fn new(repaint: Option<Repaint>) -> LabRuntime {
        LabRuntime {
            state: LabState::Off,
            want_demo: true,
            share: None,
            restart_when_up: false,
            addresses: Vec::new(),
            repaint,
        }
    }

    /// Start the broker (loopback, default ports) unless it is running or starting.
    pub fn start(&mut self) {
        if matches!(self.state, LabState::Starting(_) | LabState::Running(_)) {
            return;
        }
        self.start_after(None);
    }

    /// Start with the options of now, once `previous` (a broker being
    /// replaced) has let go of its ports.
    fn start_after(&mut self, previous: Option<Box<Running>>) {
        let mut options = BrokerOptions::default();
        if let Some(previous) = &previous {
            // Keep the ports, so that saved connections keep working.
            let listening = previous.broker.listening();
            options.mqtt_port = PortChoice::Preferred(listening.mqtt.port());
            options.ws_port = listening.ws.map(|ws| PortChoice::Preferred(ws.port()));
        }
        if let Some(credentials) = &self.share {
            options.listen = IpAddr::V4(Ipv4Addr::UNSPECIFIED);
            options.credentials = Some(credentials.clone());
            options.trust_loopback = true;
        }
        let (tx, rx) = crossbeam_channel::bounded(1);
        let repaint = self.repaint.clone();
        let spawned = std::thread::Builder::new()
            .name("mqscope-lab-start".to_owned())
            .spawn(move || {
                drop(previous);
                let _ = tx.send(BuiltinBroker::start(&options));
                if let Some(repaint) = repaint {
                    repaint();
                }
            });
        self.state = match spawned {
            Ok(_) => LabState::Starting(rx),
            Err(error) => LabState::Failed(BrokerError::Start(error.to_string())),
        };
    }

    /// Let other computers connect with `credentials` (`None`: this computer
    /// only). A running broker restarts on the same ports.
    pub fn share(&mut self, credentials: Option<Credentials>) {
        self.addresses = if credentials.is_some() {
            network_addresses()
        } else {
            Vec::new()
        };
        self.share = credentials;
        match std::mem::replace(&mut self.state, LabState::Off) {
            LabState::Running(running) => self.start_after(Some(running)),
            LabState::Off | LabState::Failed(_) => {}
            starting @ LabState::Starting(_) => {
                // It starts with the old options; restart once it is up.
                self.state = starting;
                self.restart_when_up = true;
            }
        }
    }

    /// The credentials other computers use, while shared.
    pub fn shared_with(&self) -> Option<&Credentials> {
        self.share.as_ref()
    }

    /// Stop the broker and the sensors (they wind down on a thread of their own).
    pub fn stop(&mut self) {
        if let LabState::Running(running) = std::mem::replace(&mut self.state, LabState::Off) {
            let _ = std::thread::Builder::new()
                .name("mqscope-lab-stop".to_owned())
                .spawn(move || drop(running));
        }
    }

    /// Whether the broker is running or starting.
    pub fn is_on(&self) -> bool {
        matches!(self.state, LabState::Starting(_) | LabState::Running(_))
    }

    /// Where it listens, while running.
    pub fn listening(&self) -> Option<&Listening> {
        match &self.state {
            LabState::Running(running) => Some(running.broker.listening()),
            _ => None,
        }
    }

    /// Turn the demo sensors on or off.
    pub fn set_demo(&mut self, on: bool) {
        self.want_demo = on;
        if let LabState::Running(running) = &mut self.state {
            running.set_demo(on);
        }
    }

    /// Turn the firehose on or off (the sensors start if they are off).
    pub fn set_firehose(&mut self, on: bool) {
        if on {
            self.set_demo(true);
        }
        if let LabState::Running(running) = &self.state
            && let Some(demo) = &running.demo
        {
            demo.set_firehose(on);
        }
    }

    /// Take in a finished start and refresh the rates.
    pub fn poll(&mut self, now: Instant) -> Option<LabEvent> {
        if let LabState::Starting(rx) = &self.state {
            let result = match rx.try_recv() {
                Ok(result) => result,
                Err(TryRecvError::Empty) => return None,
                Err(TryRecvError::Disconnected) => Err(BrokerError::Start(
                    "the starting thread ended without an answer".to_owned(),
                )),
            };
            return Some(match result {
                Ok(broker) => {
                    let listening = broker.listening().clone();
                    let mut running = Running {
                        sample: (now, broker.counters()),
                        broker,
                        demo: None,
                        rates: Rates::default(),
                    };
                    running.set_demo(self.want_demo);
                    if std::mem::take(&mut self.restart_when_up) {
                        self.start_after(Some(Box::new(running)));
                        return None;
                    }
                    self.state = LabState::Running(Box::new(running));
                    LabEvent::Started(listening)
                }
                Err(error) => {
                    self.state = LabState::Failed(error.clone());
                    LabEvent::Failed(error)
                }
            });
        }
        if let LabState::Running(running) = &mut self.state {
            running.sample_rates(now);
        }
        None
    }
}

impl LabRuntime {
    /// The view's plain values.
    pub fn summary(&self) -> crate::ui::lab::LabSummary {
        let mut summary = crate::ui::lab::LabSummary {
            available: true,
            demo: self.want_demo,
            shared: self
                .share
                .as_ref()
                .map(|c| (c.user_name.clone(), c.password.clone())),
            ..Default::default()
        };
        match &self.state {
            LabState::Off => summary.demo = false,
            LabState::Starting(_) => summary.starting = true,
            LabState::Failed(error) => summary.error = Some(crate::ui::words::broker_error(error)),
            LabState::Running(running) => {
                let listening = running.broker.listening();
                summary.running = true;
                summary.urls = listener_urls(listening.mqtt.ip(), listening);
                if self.share.is_some() {
                    summary.shared_urls = self
                        .addresses
                        .iter()
                        .flat_map(|ip| listener_urls(*ip, listening))
                        .collect();
                }
                summary.moved = listening
                    .moved
                    .iter()
                    .map(|(listener, port)| (crate::ui::words::listener_name(*listener), *port))
                    .collect();
                summary.clients = running
                    .broker
                    .clients()
                    .into_iter()
                    .map(|c| c.client_id)
                    .collect();
                summary.received_per_second = running.rates.received;
                summary.sent_per_second = running.rates.sent;
                summary.demo = running.demo.is_some();
                summary.firehose = running.demo.as_ref().is_some_and(DemoSensors::firehose);
            }
        }
        summary
    }
}

impl Running {
    fn set_demo(&mut self, on: bool) {
        match (on, self.demo.is_some()) {
            (true, false) => {
                self.demo = DemoSensors::start(self.broker.listening().mqtt.port(), None).ok();
            }
            (false, true) => {
                if let Some(demo) = self.demo.take() {
                    let _ = std::thread::Builder::new()
                        .name("mqscope-demo-stop".to_owned())
                        .spawn(move || drop(demo));
                }
            }
            _ => {}
        }
    }

    /// New rates once a second has passed since the last sample.
    fn sample_rates(&mut self, now: Instant) {
        let (at, before) = self.sample;
        let elapsed = now.saturating_duration_since(at);
        if elapsed < Duration::from_secs(1) {
            return;
        }
        let counters = self.broker.counters();
        let secs = elapsed.as_secs_f64();
        self.rates = Rates {
            received: counters
                .publish_received
                .saturating_sub(before.publish_received) as f64
                / secs,
            sent: counters.publish_sent.saturating_sub(before.publish_sent) as f64 / secs,
        };
        self.sample = (now, counters);
    }
}

/// `mqtt://ip:port` and `ws://ip:port/mqtt` of a running broker's listeners.
fn listener_urls(ip: IpAddr, listening: &Listening) -> Vec<String> {
    let mut urls = vec![format!(
        "mqtt://{}",
        std::net::SocketAddr::new(ip, listening.mqtt.port())
    )];
    if let Some(ws) = listening.ws {
        urls.push(format!(
            "ws://{}{}",
            std::net::SocketAddr::new(ip, ws.port()),
            crate::broker::WEBSOCKET_PATH
        ));
    }
    urls
}

/// This computer's addresses on its networks (not loopback), IPv4 first.
fn network_addresses() -> Vec<IpAddr> {
    let mut addresses: Vec<IpAddr> = if_addrs::get_if_addrs()
        .map(|interfaces| {
            interfaces
                .into_iter()
                .map(|interface| interface.ip())
                .filter(|ip| !ip.is_loopback() && !is_link_local(ip))
                .collect()
        })
        .unwrap_or_default();
    addresses.sort_by_key(|ip| (ip.is_ipv6(), *ip));
    addresses.dedup();
    addresses
}

/// fe80::/10, which a student cannot type usefully.
fn is_link_local(ip: &IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_link_local(),
        IpAddr::V6(v6) => (v6.segments()[0] & 0xffc0) == 0xfe80,
    }
}

impl Drop for LabRuntime {
    fn drop(&mut self) {
        // Closing the window: stop in place, so no listener outlives the app.
        self.state = LabState::Off;
    }
}

/// The keyring entry of the shared built-in broker's password.
pub const SHARE_SECRET_ID: &str = "mqscope-builtin-broker";
/// The user name other computers give.
pub const SHARE_USER_NAME: &str = "lab";

/// Lab mode in the app: the built-in broker's actions and its start.
mod glue {
    use super::{SHARE_SECRET_ID, SHARE_USER_NAME};
    use std::time::Instant;

    use super::LabEvent;
    use crate::app::{AppNotice, Job, MqscopeApp};
    use crate::broker::Credentials;
    use crate::model::{ConnectionState, EndReason};
    use crate::profiles::PasswordStorage;
    use crate::ui::Action;

    impl MqscopeApp {
        /// Carry out a lab-mode action.
        pub(in crate::app) fn handle_lab(&mut self, action: Action) {
            match action {
                Action::RunBuiltinBroker(true) => self.lab.start(),
                Action::RunBuiltinBroker(false) => self.lab.stop(),
                Action::RunDemoSensors(on) => self.lab.set_demo(on),
                Action::RunFirehose(on) => self.lab.set_firehose(on),
                Action::ShareBuiltinBroker(false) => self.lab.share(None),
                Action::ShareBuiltinBroker(true) => {
                    // The credentials are kept in the keyring between runs.
                    let tab = self.tabs[self.active].id;
                    self.queue(Job::ReadPassword {
                        tab,
                        profile_id: SHARE_SECRET_ID.to_owned(),
                    });
                }
                Action::NewShareCredentials => self.share_with(None),
                _ => {}
            }
        }

        /// The keyring answered for the shared broker's password: share with
        /// it, or with a new one (kept in the keyring) when there was none.
        pub(in crate::app) fn shared_password_read(
            &mut self,
            result: Result<Option<String>, crate::profiles::SecretError>,
        ) {
            let kept = match result {
                Ok(password) => password,
                Err(error) => {
                    self.notices.push(AppNotice::PasswordNotRead(error));
                    None
                }
            };
            self.share_with(kept);
        }

        /// Share the broker with `password`, or with a new one, kept.
        fn share_with(&mut self, password: Option<String>) {
            let credentials = match password {
                Some(password) => Credentials {
                    user_name: SHARE_USER_NAME.to_owned(),
                    password,
                },
                None => {
                    let fresh = Credentials::generate();
                    let tab = self.tabs[self.active].id;
                    self.queue(Job::StorePassword {
                        tab,
                        profile_id: SHARE_SECRET_ID.to_owned(),
                        storage: PasswordStorage::Keyring,
                        password: Some(fresh.password.clone()),
                    });
                    fresh
                }
            };
            self.lab.share(Some(credentials));
        }

        /// Point tab `index` at the running built-in broker; when it is not
        /// running yet, start it and connect once it is up (returns false).
        pub(in crate::app) fn point_at_builtin_broker(&mut self, index: usize) -> bool {
            if let Some(listening) = self.lab.listening() {
                let port = listening.mqtt.port();
                let editor = &mut self.tabs[index].editor;
                editor.profile.host = "127.0.0.1".to_owned();
                editor.profile.port = port;
                editor.port_text = port.to_string();
                return true;
            }
            self.lab.start();
            let tab = &mut self.tabs[index];
            tab.awaiting_lab = true;
            tab.show_editor = false;
            tab.model.state = ConnectionState::Connecting {
                address: "127.0.0.1".to_owned(),
                attempt: 1,
            };
            false
        }

        /// Take in the built-in broker's start: connect the tabs waiting for it.
        pub(in crate::app) fn poll_lab(&mut self, now: Instant) {
            match self.lab.poll(now) {
                Some(LabEvent::Started(_)) => {
                    let active = self.active;
                    for index in 0..self.tabs.len() {
                        if std::mem::take(&mut self.tabs[index].awaiting_lab) {
                            self.active = index;
                            self.handle(Action::Connect);
                        }
                    }
                    self.active = active;
                }
                Some(LabEvent::Failed(error)) => {
                    for tab in &mut self.tabs {
                        if std::mem::take(&mut tab.awaiting_lab) {
                            tab.model.state = ConnectionState::Disconnected {
                                reason: EndReason::Stopped,
                                by_user: false,
                            };
                            tab.show_editor = true;
                        }
                    }
                    self.notices.push(AppNotice::BuiltinBrokerFailed(error));
                }
                None => {}
            }
        }
    }
}
