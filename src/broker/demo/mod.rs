//! The demo sensors: one ordinary MQTT client of the built-in broker, on the
//! same network thread as the window's connections, publishing what
//! [`lab::Lab`] says is due and answering the pump's commands.

pub mod edge_node;
pub mod lab;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crossbeam_channel::{Sender, select};

use super::Credentials;
use crate::net::{
    BrokerAddress, Command, ConnectionConfig, ConnectionHandle, Event, ReconnectPolicy, TlsOptions,
    TransportKind,
};
use crate::proto::session::SessionOptions;
use crate::proto::{Connect, ProtocolVersion, QoS, SubscribeFilter, SubscriptionOptions};
use edge_node::EdgeNode;
use lab::{Lab, PUMP_COMMAND_TOPIC};

/// The demo client's identifier.
pub const DEMO_CLIENT_ID: &str = "mqscope-demo-sensors";
/// How often the sensors look at what is due.
const TICK: Duration = Duration::from_millis(10);
/// Firehose messages per tick: 100 every 10 ms is 10 000 a second.
const FIREHOSE_PER_TICK: usize = 100;

/// Running demo sensors; they disconnect and stop when dropped.
pub struct DemoSensors {
    stop: Option<Sender<()>>,
    firehose: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl DemoSensors {
    /// Start the sensors against the broker on `127.0.0.1:port`.
    pub fn start(port: u16, credentials: Option<&Credentials>) -> std::io::Result<DemoSensors> {
        let mut connect = Connect::new(ProtocolVersion::V5, DEMO_CLIENT_ID);
        connect.keep_alive_secs = 30;
        if let Some(credentials) = credentials {
            connect.user_name = Some(credentials.user_name.as_str().into());
            connect.password = Some(credentials.password.clone().into_bytes().into());
        }
        let config = ConnectionConfig {
            address: BrokerAddress::new(TransportKind::Tcp, "127.0.0.1", port),
            tls: TlsOptions::default(),
            connect,
            session: SessionOptions::default(),
            reconnect: ReconnectPolicy::default(),
            packet_log: false,
            recorder: None,
        };
        let handle = ConnectionHandle::spawn(config, None)?;
        let (stop_tx, stop_rx) = crossbeam_channel::bounded(1);
        let firehose = Arc::new(AtomicBool::new(false));
        let firehose_flag = firehose.clone();
        let thread = std::thread::Builder::new()
            .name("mqscope-demo".to_owned())
            .spawn(move || run(handle, &stop_rx, &firehose_flag))?;
        Ok(DemoSensors {
            stop: Some(stop_tx),
            firehose,
            thread: Some(thread),
        })
    }

    /// Turn the firehose (10 000 msg/s over 10 000 topics) on or off.
    pub fn set_firehose(&self, on: bool) {
        self.firehose.store(on, Ordering::Relaxed);
    }

    /// Whether the firehose is on.
    pub fn firehose(&self) -> bool {
        self.firehose.load(Ordering::Relaxed)
    }
}

impl Drop for DemoSensors {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The sensors' loop: publish what is due while connected, answer commands.
fn run(handle: ConnectionHandle, stop: &crossbeam_channel::Receiver<()>, firehose: &AtomicBool) {
    let mut lab = Lab::new(Instant::now(), fastrand::u64(..));
    let mut node = EdgeNode::new(Instant::now(), fastrand::u64(..));
    let ticker = crossbeam_channel::tick(TICK);
    let mut connected = false;
    let mut tag = 0u64;
    let mut send = |handle: &ConnectionHandle, publish| {
        tag += 1;
        handle.send(Command::Publish { tag, publish });
    };
    loop {
        select! {
            recv(stop) -> _ => break,
            recv(ticker) -> _ => {
                if !connected {
                    continue;
                }
                for publish in lab.due(Instant::now()) {
                    send(&handle, publish);
                }
                if let Some(data) = node.due(Instant::now()) {
                    send(&handle, data);
                }
                if firehose.load(Ordering::Relaxed) {
                    for publish in lab.firehose(FIREHOSE_PER_TICK) {
                        send(&handle, publish);
                    }
                }
            }
            recv(handle.events()) -> batch => {
                let Ok(batch) = batch else { break };
                for event in batch {
                    match event {
                        Event::Connected(_) => {
                            connected = true;
                            handle.send(Command::Subscribe {
                                tag: 0,
                                filters: [PUMP_COMMAND_TOPIC, edge_node::COMMAND_TOPIC]
                                    .into_iter()
                                    .map(|filter| SubscribeFilter {
                                        filter: filter.into(),
                                        options: SubscriptionOptions {
                                            maximum_qos: QoS::AtLeastOnce,
                                            no_local: true,
                                            ..SubscriptionOptions::default()
                                        },
                                    })
                                    .collect(),
                                properties: Default::default(),
                            });
                            for publish in lab.retained() {
                                send(&handle, publish);
                            }
                            send(&handle, node.birth());
                        }
                        Event::Message(command) => {
                            for publish in lab.answer(&command) {
                                send(&handle, publish);
                            }
                            if let Some(birth) = node.answer(&command) {
                                send(&handle, birth);
                            }
                        }
                        Event::Disconnected(_) | Event::ConnectFailed(_) => connected = false,
                        _ => {}
                    }
                }
            }
        }
    }
    handle.send(Command::Disconnect {
        reason_code: crate::proto::ReasonCode::Success,
        properties: Default::default(),
    });
    handle.join();
}
