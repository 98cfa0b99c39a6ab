//! What the window shows about each connection, fed by network events. No
//! egui here: the model can be driven and measured without a window.

mod chunked;
mod eviction;
pub mod history;
pub mod memory;
pub mod message;
mod sparkplug;
pub mod stats;
mod topic_table;
pub mod tree;

pub use sparkplug::{SPARKPLUG_NOTES, SparkplugNote};

use std::collections::VecDeque;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;

pub use history::{History, HistoryLimits};
pub use memory::{DEFAULT_APP_BUDGET, DEFAULT_CONNECTION_BUDGET, Evicted};
pub use message::{StoredMessage, TopicId};
pub use stats::RateMeter;
pub use tree::{Node, NodeId, TopicTree};

use crate::net::{ConnectError, Event, LONGEST_WAIT};
use crate::proto::session::{
    BrokerReason, CloseReason, ConnectionInfo, Direction, SessionError, SubscriptionResult,
};
use crate::proto::{Publish, ReasonCode, SubscriptionOptions};

/// The state of a connection, as the status line shows it.
#[derive(Clone, Debug, PartialEq)]
pub enum ConnectionState {
    /// Not started.
    Idle,
    /// Connecting (attempt number).
    Connecting {
        /// The address.
        address: String,
        /// 1 for the first attempt.
        attempt: u32,
    },
    /// Connected, with what the broker granted.
    Connected(Box<ConnectionInfo>),
    /// Disconnected, with who closed it and why.
    Disconnected {
        /// Why the connection ended.
        reason: EndReason,
        /// Whether the user asked for it.
        by_user: bool,
    },
    /// Waiting to reconnect.
    Reconnecting {
        /// When the next attempt starts.
        at: Instant,
        /// Why the last connection ended, if it had started.
        reason: Option<EndReason>,
    },
}

/// Why a connection is not up.
#[derive(Clone, Debug, PartialEq)]
pub enum EndReason {
    /// The connection was up and ended.
    Closed(CloseReason),
    /// The connection could not be set up.
    ConnectFailed(ConnectError),
    /// The network thread stopped (the user disconnected or closed the tab).
    Stopped,
}

/// Where a subscription stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SubscriptionStatus {
    /// SUBSCRIBE sent, no SUBACK yet.
    Pending,
    /// Granted at this QoS.
    Granted(u8),
    /// Refused by the broker.
    Refused(ReasonCode),
    /// Refused before sending.
    Failed(SessionError),
    /// Not subscribed (not connected, or unsubscribed).
    Inactive,
}

/// A subscription of the connection.
#[derive(Clone, Debug, PartialEq)]
pub struct Subscription {
    /// The topic filter.
    pub filter: String,
    /// Its options.
    pub options: SubscriptionOptions,
    /// Subscription Identifier, if any.
    pub identifier: Option<u32>,
    /// Its color in the window.
    pub color: [u8; 3],
    /// Where it stands.
    pub status: SubscriptionStatus,
    /// The tag of the last SUBSCRIBE sent for it.
    pub tag: u64,
}

/// The outcome of a publish from the window.
#[derive(Clone, Debug, PartialEq)]
pub enum PublishOutcome {
    /// Sent at QoS 0, or waiting for its acknowledgment.
    Pending,
    /// Acknowledged (PUBACK / PUBCOMP / PUBREC error), with the broker's reason.
    Completed(BrokerReason),
    /// Not sent, or discarded.
    Failed(SessionError),
}

/// One message published from the window.
#[derive(Clone, Debug, PartialEq)]
pub struct PublishRecord {
    /// The tag sent with it.
    pub tag: u64,
    /// The message.
    pub publish: Publish,
    /// When it was sent.
    pub sent_at: SystemTime,
    /// What became of it.
    pub outcome: PublishOutcome,
}

/// One packet of the packet log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PacketRecord {
    /// Which way it went.
    pub direction: Direction,
    /// When.
    pub at: SystemTime,
    /// Its raw bytes.
    pub bytes: Bytes,
}

/// A notice for the person: something went wrong.
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    /// What happened.
    pub kind: NoticeKind,
    /// When.
    pub at: SystemTime,
}

/// What a connection's notice is about.
#[derive(Clone, Debug, PartialEq)]
pub enum NoticeKind {
    /// The connection ended or could not be set up, without the user asking.
    Ended(EndReason),
    /// The broker did not accept a message.
    PublishRefused(BrokerReason),
    /// A message was not sent.
    PublishFailed(SessionError),
    /// A subscribe, unsubscribe or disconnect was refused before sending.
    RequestFailed(SessionError),
    /// The memory budget was full with nothing ordinary left to drop, so
    /// state a view needed (retained values, the selected topic) went too.
    BudgetTookKeptState,
    /// The broker refused a subscription.
    SubscriptionRefused {
        /// The topic filter.
        filter: String,
        /// The broker's reason code.
        reason_code: ReasonCode,
        /// The broker's Reason String, if any.
        reason_string: Option<String>,
    },
}

/// How many packets the packet log keeps.
pub const PACKET_LOG_LIMIT: usize = 10_000;
/// How many bytes of packets the packet log keeps (the newest packet is kept
/// whatever its size, so that it can be inspected).
pub const PACKET_LOG_BYTES: usize = 64 * 1024 * 1024;
/// How many notices are kept.
pub const NOTICE_LIMIT: usize = 50;
/// How many published messages are remembered.
pub const PUBLISH_HISTORY_LIMIT: usize = 200;

/// Everything the window knows about one connection.
#[derive(Debug)]
pub struct ConnectionModel {
    /// The connection state.
    pub state: ConnectionState,
    /// The topic tree.
    pub tree: TopicTree,
    /// The message history.
    pub history: History,
    /// The subscriptions.
    pub subscriptions: Vec<Subscription>,
    /// Messages published from the window, newest last.
    pub published: VecDeque<PublishRecord>,
    /// The packet log (when switched on), newest last.
    pub packets: VecDeque<PacketRecord>,
    /// Packets pushed out of the packet log by its bound.
    pub packets_evicted: u64,
    /// Whether a CONNACK accepted the connection since the tab connected.
    ever_connected: bool,
    /// The bytes the packet log holds.
    packet_bytes: usize,
    /// The bytes the published messages hold.
    published_bytes: usize,
    /// The most this connection may hold, in bytes.
    budget: usize,
    /// Topics the budget made the tree forget.
    topics_evicted: u64,
    /// Of those, topics a view needed.
    kept_topics_evicted: u64,
    /// Notices, newest last.
    pub notices: VecDeque<Notice>,
    /// Incoming messages per second.
    pub rate: RateMeter,
    /// How payloads are read: the profile's rules and schemas, and
    /// Sparkplug B's state over the messages taken in.
    pub payloads: crate::decode::Reader,
    /// What Sparkplug B messages said that a host should know, newest last.
    pub sparkplug_findings: VecDeque<SparkplugNote>,
    next_seq: u64,
    next_tag: u64,
}

impl Default for ConnectionModel {
    fn default() -> Self {
        ConnectionModel::new(HistoryLimits::default())
    }
}

impl ConnectionModel {
    /// Forget the messages received: the tree, the history and what
    /// Sparkplug B nodes said. The connection, the subscriptions, the
    /// messages published and the packet log stay; the views holding topic
    /// ids must start over too.
    pub fn clear_received(&mut self) {
        self.tree = TopicTree::default();
        self.history = History::new(self.history.limits());
        self.payloads.sparkplug = Default::default();
        self.sparkplug_findings.clear();
        self.topics_evicted = 0;
        self.kept_topics_evicted = 0;
    }

    /// An empty model.
    pub fn new(limits: HistoryLimits) -> ConnectionModel {
        ConnectionModel {
            state: ConnectionState::Idle,
            tree: TopicTree::default(),
            history: History::new(limits),
            subscriptions: Vec::new(),
            published: VecDeque::new(),
            packets: VecDeque::new(),
            packets_evicted: 0,
            ever_connected: false,
            packet_bytes: 0,
            published_bytes: 0,
            budget: DEFAULT_CONNECTION_BUDGET,
            topics_evicted: 0,
            kept_topics_evicted: 0,
            notices: VecDeque::new(),
            rate: RateMeter::default(),
            payloads: crate::decode::Reader::default(),
            sparkplug_findings: VecDeque::new(),
            next_seq: 0,
            next_tag: 1,
        }
    }

    /// A fresh tag for a request.
    pub fn next_tag(&mut self) -> u64 {
        let tag = self.next_tag;
        self.next_tag += 1;
        tag
    }

    /// How many messages arrived since the tab was opened.
    pub fn received(&self) -> u64 {
        self.next_seq
    }

    /// Whether this connection was up at some point since it was started.
    pub fn ever_connected(&self) -> bool {
        self.ever_connected
    }

    /// A new connection starts (Connect pressed): what an earlier one
    /// reached no longer says anything about this one.
    pub fn begin_connection(&mut self) {
        self.ever_connected = false;
    }

    /// Whether the connection is up.
    pub fn is_connected(&self) -> bool {
        matches!(self.state, ConnectionState::Connected(_))
    }

    /// What the broker granted, while connected.
    pub fn broker(&self) -> Option<&ConnectionInfo> {
        match &self.state {
            ConnectionState::Connected(info) => Some(info),
            _ => None,
        }
    }

    /// Add a notice.
    pub fn notify(&mut self, kind: NoticeKind) {
        self.notices.push_back(Notice {
            kind,
            at: SystemTime::now(),
        });
        while self.notices.len() > NOTICE_LIMIT {
            self.notices.pop_front();
        }
    }

    /// Store an incoming message, within the count bound and the memory budget.
    pub fn ingest(&mut self, publish: &Publish, now: Instant, received_at: SystemTime) {
        if publish
            .topic
            .starts_with(crate::decode::sparkplug::NAMESPACE)
        {
            self.observe_sparkplug(publish, received_at);
        }
        let topic = self.tree.intern(&publish.topic);
        let seq = self.next_seq;
        let mut message = StoredMessage::from_publish(publish, topic, seq, received_at);
        if let Some(previous) = self.tree.node(topic).last_seq() {
            message.prev_in_topic = u32::try_from(seq - previous).unwrap_or(0);
        }
        self.next_seq += 1;
        self.tree.record(&message);
        self.history.push(message);
        self.drop_over_count();
        self.trim(eviction::EVICTIONS_PER_MESSAGE);
        self.rate.add(now, 1);
    }

    /// The publish from this window that `message` (on `topic`) is the
    /// broker's delivery of: same topic and payload, sent in the minute
    /// before it arrived. The newest such publish, if any.
    pub fn own_publish(&self, topic: &str, message: &StoredMessage) -> Option<&PublishRecord> {
        const WITHIN_MICROS: u64 = 60_000_000;
        self.published.iter().rev().find(|record| {
            let sent = message::micros_since_epoch(record.sent_at);
            sent <= message.received_at_micros
                && message.received_at_micros - sent <= WITHIN_MICROS
                && &*record.publish.topic == topic
                && record.publish.payload[..] == message.payload[..]
        })
    }

    /// Record a publish sent from the window.
    pub fn record_publish(&mut self, tag: u64, publish: Publish) {
        self.published_bytes += published_bytes(&publish);
        self.published.push_back(PublishRecord {
            tag,
            publish,
            sent_at: SystemTime::now(),
            outcome: PublishOutcome::Pending,
        });
        while self.published.len() > PUBLISH_HISTORY_LIMIT {
            if let Some(old) = self.published.pop_front() {
                self.published_bytes -= published_bytes(&old.publish);
            }
        }
    }

    /// Take in one event from the network thread.
    pub fn apply(&mut self, event: Event, now: Instant) {
        match event {
            Event::Message(publish) => self.ingest(&publish, now, SystemTime::now()),
            Event::MessageAt {
                publish,
                received_at,
            } => self.ingest(&publish, now, received_at),
            Event::Connecting { address, attempt } => {
                self.state = ConnectionState::Connecting { address, attempt };
            }
            Event::Connected(info) => {
                self.state = ConnectionState::Connected(Box::new(info));
                self.ever_connected = true;
                // A failure that is over is no longer news.
                self.notices
                    .retain(|n| !matches!(n.kind, NoticeKind::Ended(_)));
            }
            Event::ConnectFailed(error) => {
                let reason = EndReason::ConnectFailed(error);
                // After a lost connection the notice already says it was
                // lost; what each retry finds goes to the status line only.
                if !self.ever_connected {
                    self.notify(NoticeKind::Ended(reason.clone()));
                }
                self.ended(reason, false);
            }
            Event::Disconnected(reason) => {
                let by_user = matches!(reason, CloseReason::ClientRequest { .. });
                let reason = EndReason::Closed(reason);
                if !by_user {
                    self.notify(NoticeKind::Ended(reason.clone()));
                }
                self.ended(reason, by_user);
            }
            Event::Reconnecting { delay, .. } => {
                let reason = match &self.state {
                    ConnectionState::Disconnected { reason, .. } => Some(reason.clone()),
                    _ => None,
                };
                self.state = ConnectionState::Reconnecting {
                    at: reconnect_at(now, delay),
                    reason,
                };
            }
            Event::PublishCompleted { tag, reason } => {
                if reason.reason_code.is_error() {
                    self.notify(NoticeKind::PublishRefused(reason.clone()));
                }
                self.set_outcome(tag, PublishOutcome::Completed(reason));
            }
            Event::PublishFailed { tag, error } => {
                self.notify(NoticeKind::PublishFailed(error.clone()));
                self.set_outcome(tag, PublishOutcome::Failed(error));
            }
            Event::Subscribed {
                tag,
                results,
                reason_string,
            } => self.subscribed(tag, &results, reason_string.as_deref()),
            Event::Unsubscribed { results, .. } => self.unsubscribed(&results),
            Event::RequestFailed { tag, error } => {
                for sub in self.subscriptions.iter_mut().filter(|s| s.tag == tag) {
                    sub.status = SubscriptionStatus::Failed(error.clone());
                }
                self.notify(NoticeKind::RequestFailed(error));
            }
            Event::Packet {
                direction,
                at,
                bytes,
            } => self.log_packet(PacketRecord {
                direction,
                at,
                bytes,
            }),
            // The tab starts a new model for it (`Tab::rewound`).
            Event::Rewound => {}
            Event::Stopped => {
                if !matches!(self.state, ConnectionState::Disconnected { .. }) {
                    self.ended(EndReason::Stopped, true);
                } else {
                    self.deactivate_subscriptions();
                }
            }
        }
    }

    /// The connection ended: why, and whether the user asked for it.
    fn ended(&mut self, reason: EndReason, by_user: bool) {
        self.state = ConnectionState::Disconnected { reason, by_user };
        self.deactivate_subscriptions();
    }

    /// SUBACK: each filter granted or refused (a refusal is also a notice).
    fn subscribed(
        &mut self,
        tag: u64,
        results: &[SubscriptionResult],
        reason_string: Option<&str>,
    ) {
        for result in results {
            if let Some(sub) = self
                .subscriptions
                .iter_mut()
                .find(|s| s.filter == result.filter && (s.tag == tag || tag == 0))
            {
                sub.status = if result.reason_code.is_error() {
                    SubscriptionStatus::Refused(result.reason_code)
                } else {
                    SubscriptionStatus::Granted(result.reason_code.to_u8())
                };
            }
            if result.reason_code.is_error() {
                self.notify(NoticeKind::SubscriptionRefused {
                    filter: result.filter.clone(),
                    reason_code: result.reason_code,
                    reason_string: reason_string.map(str::to_owned),
                });
            }
        }
    }

    /// UNSUBACK: the filters are no longer active.
    fn unsubscribed(&mut self, results: &[SubscriptionResult]) {
        for result in results {
            if let Some(sub) = self
                .subscriptions
                .iter_mut()
                .find(|s| s.filter == result.filter)
            {
                sub.status = SubscriptionStatus::Inactive;
            }
        }
    }

    /// Keep a packet in the log, within its bounds: a count, 64 MiB, and a
    /// quarter of the memory budget (what falls out is counted). Its bytes
    /// are copied, so a small packet does not keep a whole read buffer alive.
    fn log_packet(&mut self, mut record: PacketRecord) {
        record.bytes = Bytes::copy_from_slice(&record.bytes);
        self.packet_bytes += memory::allocation(record.bytes.len());
        self.packets.push_back(record);
        let byte_bound = PACKET_LOG_BYTES.min(self.budget / 4);
        while self.packets.len() > PACKET_LOG_LIMIT
            || (self.packet_bytes > byte_bound && self.packets.len() > 1)
        {
            self.drop_oldest_packet();
        }
    }

    /// Drop the oldest packet of the log, counted.
    fn drop_oldest_packet(&mut self) -> bool {
        let Some(old) = self.packets.pop_front() else {
            return false;
        };
        self.packet_bytes -= memory::allocation(old.bytes.len());
        self.packets_evicted += 1;
        true
    }

    fn set_outcome(&mut self, tag: u64, outcome: PublishOutcome) {
        if let Some(record) = self.published.iter_mut().rev().find(|r| r.tag == tag) {
            record.outcome = outcome;
        }
    }

    fn deactivate_subscriptions(&mut self) {
        for sub in &mut self.subscriptions {
            if matches!(
                sub.status,
                SubscriptionStatus::Pending | SubscriptionStatus::Granted(_)
            ) {
                sub.status = SubscriptionStatus::Inactive;
            }
        }
    }

    /// Seconds until the next reconnect attempt, if waiting for one.
    pub fn reconnect_in(&self, now: Instant) -> Option<Duration> {
        match &self.state {
            ConnectionState::Reconnecting { at, .. } => Some(at.saturating_duration_since(now)),
            _ => None,
        }
    }
}

/// What a publish sent from the window holds: its topic, payload and properties.
fn published_bytes(publish: &Publish) -> usize {
    memory::allocation(publish.topic.len())
        + memory::allocation(publish.payload.len())
        + memory::allocation(publish.properties.encoded_len())
}

/// When a reconnect `delay` from `now` is due. The network thread waits at
/// most [`LONGEST_WAIT`], so a longer delay is cut to it; a clock that cannot
/// reach even that shows the attempt as due now.
fn reconnect_at(now: Instant, delay: Duration) -> Instant {
    now.checked_add(delay.min(LONGEST_WAIT)).unwrap_or(now)
}

#[cfg(test)]
mod tests;
