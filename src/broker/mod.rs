//! The built-in broker: the `mqtt5` crate's MQTT 5 / 3.1.1 broker, run in
//! this process on its own small tokio runtime (never on the UI thread, never
//! inside `proto`), and the demo sensors that make a lab out of it.
//!
//! It listens on 127.0.0.1 unless it is told to share on purpose, and then
//! only with a user name and password (or an explicit `allow_anonymous`).
//! Nothing is written to disk: sessions and retained messages live in memory.

pub mod auth;
pub mod clients;
pub mod demo;
pub mod ports;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use mqtt5::broker::config::{StorageConfig, WebSocketConfig};
use mqtt5::broker::sys_topics::BrokerStats;
use mqtt5::broker::{BrokerConfig, BrokerShutdownHandle, MqttBroker, PasswordAuthProvider};

pub use clients::{ClientList, ConnectedClient};
pub use ports::PortChoice;

/// The path of the WebSocket listener.
pub const WEBSOCKET_PATH: &str = "/mqtt";
/// The MQTT port the broker prefers.
pub const DEFAULT_MQTT_PORT: u16 = 1883;
/// The WebSocket port the broker prefers.
pub const DEFAULT_WS_PORT: u16 = 8080;

/// A user name and password clients must give.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credentials {
    /// The user name.
    pub user_name: String,
    /// The password.
    pub password: String,
}

impl Credentials {
    /// A user name and a fresh random password (12 letters and digits).
    pub fn generate() -> Credentials {
        let password: String = std::iter::repeat_with(fastrand::alphanumeric)
            .take(12)
            .collect();
        Credentials {
            user_name: "lab".to_owned(),
            password,
        }
    }
}

/// How the built-in broker is set up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrokerOptions {
    /// The address to listen on (127.0.0.1 unless sharing on purpose).
    pub listen: IpAddr,
    /// The MQTT (TCP) listener's port.
    pub mqtt_port: PortChoice,
    /// The WebSocket listener's port, if there is one.
    pub ws_port: Option<PortChoice>,
    /// The only user allowed in, if any.
    pub credentials: Option<Credentials>,
    /// Let clients in without a user name even off loopback.
    pub allow_anonymous: bool,
    /// With credentials: clients on this computer need none (the window's
    /// lab mode, so its own tabs and the demo keep working when shared).
    pub trust_loopback: bool,
    /// How often `$SYS` topics are published.
    pub sys_interval: Duration,
}

impl Default for BrokerOptions {
    fn default() -> Self {
        BrokerOptions {
            listen: IpAddr::V4(Ipv4Addr::LOCALHOST),
            mqtt_port: PortChoice::Preferred(DEFAULT_MQTT_PORT),
            ws_port: Some(PortChoice::Preferred(DEFAULT_WS_PORT)),
            credentials: None,
            allow_anonymous: false,
            trust_loopback: false,
            sys_interval: Duration::from_secs(10),
        }
    }
}

/// Which listener a port belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Listener {
    /// MQTT over TCP.
    Mqtt,
    /// MQTT over WebSocket.
    WebSocket,
}

/// Why the built-in broker did not start.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BrokerError {
    /// The port asked for is in use.
    #[error("port {port} is already in use")]
    PortTaken {
        /// Which listener.
        listener: Listener,
        /// The port.
        port: u16,
    },
    /// No port from the preferred one on is free.
    #[error("no free port from {from} on")]
    NoFreePort {
        /// Which listener.
        listener: Listener,
        /// The first port tried.
        from: u16,
    },
    /// Listening beyond this computer needs a user name and password.
    #[error("listening on {listen} needs a user name and password")]
    NeedsCredentials {
        /// The address asked for.
        listen: IpAddr,
    },
    /// The runtime or the broker could not start.
    #[error("{0}")]
    Start(String),
}

/// Where a running broker listens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listening {
    /// The MQTT listener.
    pub mqtt: SocketAddr,
    /// The WebSocket listener, if any.
    pub ws: Option<SocketAddr>,
    /// Listeners that did not get their preferred port: (listener, preferred).
    pub moved: Vec<(Listener, u16)>,
}

/// The broker's counters at one moment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BrokerCounters {
    /// PUBLISH packets received from clients.
    pub publish_received: u64,
    /// PUBLISH packets sent to clients.
    pub publish_sent: u64,
    /// Clients connected now.
    pub clients: usize,
}

/// A running built-in broker; it stops when dropped.
pub struct BuiltinBroker {
    runtime: Option<tokio::runtime::Runtime>,
    shutdown: BrokerShutdownHandle,
    listening: Listening,
    stats: Arc<BrokerStats>,
    clients: ClientList,
}

impl BuiltinBroker {
    /// Start a broker with `options`; returns when it accepts connections.
    pub fn start(options: &BrokerOptions) -> Result<BuiltinBroker, BrokerError> {
        let loopback = options.listen.is_loopback();
        if !loopback && options.credentials.is_none() && !options.allow_anonymous {
            return Err(BrokerError::NeedsCredentials {
                listen: options.listen,
            });
        }
        let (mqtt, ws, moved) = choose_ports(options)?;
        let clients = ClientList::default();
        let mut config = BrokerConfig::default()
            .with_bind_addresses(vec![mqtt])
            .with_storage(StorageConfig::new().with_persistence(false))
            .with_sys_topics_enabled(true)
            .with_sys_topics_interval(options.sys_interval)
            .with_event_handler(Arc::new(clients.clone()));
        if let Some(ws) = ws {
            config = config.with_websocket(
                WebSocketConfig::new()
                    .with_bind_address(ws)
                    .with_path(WEBSOCKET_PATH)
                    .with_tls(false),
            );
        }
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .thread_name("mqscope-broker")
            .build()
            .map_err(|e| BrokerError::Start(e.to_string()))?;
        let mut broker = runtime
            .block_on(MqttBroker::with_config(config))
            .map_err(|e| BrokerError::Start(e.to_string()))?;
        if let Some(credentials) = &options.credentials {
            let provider = PasswordAuthProvider::new().with_anonymous(options.allow_anonymous);
            provider
                .add_user(credentials.user_name.clone(), &credentials.password)
                .map_err(|e| BrokerError::Start(e.to_string()))?;
            broker = if options.trust_loopback {
                broker.with_auth_provider(Arc::new(auth::LoopbackOrPassword::new(provider)))
            } else {
                broker.with_auth_provider(Arc::new(provider))
            };
        }
        let listening = Listening {
            mqtt: broker.local_addr().unwrap_or(mqtt),
            ws: broker.ws_local_addr().or(ws),
            moved,
        };
        let shutdown = broker.shutdown_handle();
        let stats = broker.stats();
        let mut ready = broker.ready_receiver();
        runtime.spawn(async move {
            let _ = broker.run().await;
        });
        runtime
            .block_on(ready.wait_for(|ready| *ready))
            .map_err(|_| BrokerError::Start("the broker stopped while starting".to_owned()))?;
        Ok(BuiltinBroker {
            runtime: Some(runtime),
            shutdown,
            listening,
            stats,
            clients,
        })
    }

    /// Where it listens.
    pub fn listening(&self) -> &Listening {
        &self.listening
    }

    /// The clients connected now.
    pub fn clients(&self) -> Vec<ConnectedClient> {
        self.clients.snapshot()
    }

    /// Its message counters now.
    pub fn counters(&self) -> BrokerCounters {
        BrokerCounters {
            publish_received: self.stats.publish_received.load(Ordering::Relaxed),
            publish_sent: self.stats.publish_sent.load(Ordering::Relaxed),
            clients: self.stats.clients_connected.load(Ordering::Relaxed),
        }
    }

    /// Wait until the runtime has stopped (at most 2 s).
    pub fn stop(mut self) {
        self.stop_now();
    }

    fn stop_now(&mut self) {
        self.shutdown.shutdown();
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_timeout(Duration::from_secs(2));
        }
    }
}

impl Drop for BuiltinBroker {
    fn drop(&mut self) {
        self.stop_now();
    }
}

/// The MQTT and WebSocket addresses, and the listeners that had to move.
type ChosenPorts = (SocketAddr, Option<SocketAddr>, Vec<(Listener, u16)>);

fn choose_ports(options: &BrokerOptions) -> Result<ChosenPorts, BrokerError> {
    let mut moved = Vec::new();
    let mut pick = |listener: Listener, choice: PortChoice| {
        let port = ports::choose(options.listen, choice).map_err(|port| match choice {
            PortChoice::Exact(_) => BrokerError::PortTaken { listener, port },
            PortChoice::Preferred(_) => BrokerError::NoFreePort {
                listener,
                from: port,
            },
        })?;
        if let PortChoice::Preferred(preferred) = choice
            && preferred != port
        {
            moved.push((listener, preferred));
        }
        Ok::<_, BrokerError>(SocketAddr::new(options.listen, port))
    };
    let mqtt = pick(Listener::Mqtt, options.mqtt_port)?;
    let ws = match options.ws_port {
        // The MQTT listener is not bound yet: step over its port.
        Some(PortChoice::Preferred(port)) if port == mqtt.port() => Some(pick(
            Listener::WebSocket,
            PortChoice::Preferred(port.saturating_add(1)),
        )?),
        Some(choice) => Some(pick(Listener::WebSocket, choice)?),
        None => None,
    };
    Ok((mqtt, ws, moved))
}
