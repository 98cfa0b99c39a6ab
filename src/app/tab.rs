//! One connection tab at run time: its editor, its network thread, its model
//! and the state of its panels.

use std::time::{Duration, Instant, SystemTime};

/// At most this many things are dropped per frame to get back within the
/// memory budget (about a millisecond's work).
const TRIM_PER_FRAME: usize = 4096;

/// How many events are taken in between two looks at the clock.
const DRAIN_CHECK_EVERY: usize = 256;

use super::timers::PublishTimer;
use super::worker::TabId;
use crate::model::{
    ConnectionModel, ConnectionState, HistoryLimits, Subscription, SubscriptionStatus,
};
use crate::net::{Command, ConnectionConfig, ConnectionHandle, Event, Repaint};
use crate::profiles::{Profile, SavedSubscription};
use crate::proto::{Properties, Property, ProtocolVersion, SubscribeFilter};
use crate::ui::connection::Editor;
use crate::ui::details::DetailsView;
use crate::ui::messages::MessagesView;
use crate::ui::packets::PacketsView;
use crate::ui::publish::PublishForm;
use crate::ui::subscriptions::{SubscribeForm, color_for};
use crate::ui::tree::{RememberedView, TreeView};

/// The panel under the tree and details.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BottomTab {
    /// Subscriptions.
    Subscriptions,
    /// Publish.
    Publish,
    /// The messages log.
    Messages,
    /// The packet inspector.
    Packets,
    /// The built-in broker: ports, clients, rates, demo switches.
    BuiltinBroker,
    /// The retained messages seen, to clear.
    Retained,
    /// The broker's own numbers, from `$SYS`.
    BrokerStats,
    /// Requests and their responses.
    Requests,
}

/// One connection tab.
pub struct Tab {
    /// Names the tab for answers from the worker.
    pub id: TabId,
    /// The connection editor.
    pub editor: Editor,
    /// What the window knows about the connection.
    pub model: ConnectionModel,
    handle: Option<ConnectionHandle>,
    subscribed_on_connect: bool,
    /// Whether the packet log is on.
    pub packet_log: bool,
    /// The protocol version of the running (or last) connection.
    pub version: ProtocolVersion,
    /// Connect was asked for; the password is being read from the keyring.
    pub awaiting_password: bool,
    /// Waiting for the built-in broker to start before connecting.
    pub awaiting_lab: bool,
    /// The topic tree view.
    pub tree: TreeView,
    /// The details view.
    pub details: DetailsView,
    /// The messages log.
    pub messages: MessagesView,
    /// The publish form.
    pub publish: PublishForm,
    /// The message library beside the Publish form.
    pub library: crate::ui::library::LibraryView,
    /// The subscribe form.
    pub subscribe: SubscribeForm,
    /// The packet inspector.
    pub packets: PacketsView,
    /// The Retained view.
    pub retained: crate::ui::retained::RetainedView,
    /// The Broker view (`$SYS`).
    pub broker_stats: crate::ui::broker_stats::BrokerStatsView,
    /// The bottom panel shown.
    pub bottom: BottomTab,
    /// The bottom panel folded down to its row of tabs.
    pub bottom_folded: bool,
    /// Whether the editor is shown.
    pub show_editor: bool,
    /// The recording running, or the last one of this tab.
    pub recording: Option<super::recording::TabRecording>,
    /// The recording this tab plays (it has no connection of its own).
    pub playback: Option<super::recording::Playback>,
    /// What was open and selected before the recording played rewound,
    /// still to be found again.
    restore: Option<RememberedView>,
    /// Messages sent again and again (they end with the connection).
    pub timers: Vec<PublishTimer>,
    /// The decoder settings the model's reader was last made from.
    pub decoders_for: Option<crate::profiles::decoders::DecoderSettings>,
    next_timer_id: u64,
}

impl Tab {
    /// A tab on `profile`, not connected.
    pub fn new(id: TabId, profile: Profile, limits: HistoryLimits) -> Tab {
        let mut model = ConnectionModel::new(limits);
        for (index, saved) in profile.subscriptions.iter().enumerate() {
            model.subscriptions.push(subscription_from(saved, index));
        }
        Tab {
            id,
            version: profile.advanced.mqtt_version,
            editor: Editor::new(profile),
            model,
            handle: None,
            subscribed_on_connect: false,
            packet_log: false,
            awaiting_password: false,
            awaiting_lab: false,
            tree: TreeView::default(),
            details: DetailsView::default(),
            messages: MessagesView::default(),
            publish: PublishForm::default(),
            library: Default::default(),
            subscribe: SubscribeForm::default(),
            packets: PacketsView::default(),
            retained: Default::default(),
            broker_stats: Default::default(),
            bottom: BottomTab::Subscriptions,
            bottom_folded: false,
            show_editor: true,
            recording: None,
            playback: None,
            restore: None,
            timers: Vec::new(),
            decoders_for: None,
            next_timer_id: 1,
        }
    }

    /// Keep the model within `budget` and in step with the views: the
    /// selected topic is kept in preference to ordinary ones, and views let
    /// go of the topics the budget removed. Called every frame.
    pub fn keep_within(&mut self, budget: usize) {
        if self.model.budget() != budget {
            self.model.set_budget_later(budget);
        }
        self.model.trim(TRIM_PER_FRAME);
        let (removed, overflow) = self.model.tree.take_removed();
        if !removed.is_empty() || overflow {
            self.tree.forget(&removed, overflow, &self.model.tree);
        }
        self.model.tree.pin_only(self.tree.selected);
    }

    /// Whether a network thread runs for this tab.
    pub fn is_running(&self) -> bool {
        self.handle.is_some()
    }

    /// End the network thread at once, if one runs (it sends DISCONNECT if
    /// connected); its remaining events are not read.
    pub fn stop(&mut self) {
        if let Some(handle) = self.handle.take() {
            handle.send(Command::Disconnect {
                reason_code: crate::proto::ReasonCode::Success,
                properties: Default::default(),
            });
        }
    }

    /// Feed the tab from `handle` (a recording played), not a connection.
    pub fn play(&mut self, handle: ConnectionHandle) {
        self.stop();
        self.handle = Some(handle);
    }

    /// Publish a message on the tab's connection, kept in the sent list.
    pub fn publish(&mut self, publish: crate::proto::Publish) {
        let tag = self.model.next_tag();
        self.model.record_publish(tag, publish.clone());
        self.send(Command::Publish { tag, publish });
    }

    /// Start sending `publish` every `interval`, `count` times or until
    /// stopped; the first goes at once.
    pub fn start_timer(
        &mut self,
        publish: crate::proto::Publish,
        interval: Duration,
        count: Option<u64>,
        now: Instant,
    ) {
        let id = self.next_timer_id;
        self.next_timer_id += 1;
        self.timers
            .push(PublishTimer::new(id, publish, interval, count, now));
        self.run_timers(now);
    }

    /// Send what the timers have due; when the next one is due. Without a
    /// connection the timers end.
    pub fn run_timers(&mut self, now: Instant) -> Option<Instant> {
        if !self.model.is_connected() {
            self.timers.clear();
            return None;
        }
        let wall = SystemTime::now();
        let mut due = Vec::new();
        for timer in &mut self.timers {
            due.extend(timer.due(now, wall));
        }
        for publish in due {
            self.publish(publish);
        }
        self.timers.retain(|t| !t.is_done());
        self.timers.iter().map(|t| t.next_at).min()
    }

    /// A sender of commands to the tab's network thread, if one runs.
    pub fn command_sender(&self) -> Option<crate::net::CommandSender> {
        self.handle.as_ref().map(ConnectionHandle::command_sender)
    }

    /// Whether Connect may start a connection now.
    pub fn can_connect(&self) -> bool {
        !self.is_running() && !self.awaiting_password && !self.awaiting_lab
    }

    /// Send a command to the network thread, if one runs.
    pub fn send(&self, command: Command) {
        if let Some(handle) = &self.handle {
            handle.send(command);
        }
    }

    /// Start the network thread for `config`.
    pub fn start(
        &mut self,
        config: ConnectionConfig,
        repaint: Option<Repaint>,
    ) -> std::io::Result<()> {
        let handle = ConnectionHandle::spawn(config, repaint)?;
        self.handle = Some(handle);
        self.subscribed_on_connect = false;
        self.show_editor = false;
        self.model.begin_connection();
        self.model.state = ConnectionState::Connecting {
            address: self.address_text(),
            attempt: 1,
        };
        Ok(())
    }

    /// Take in every pending event; returns how many.
    pub fn drain(&mut self, now: Instant) -> usize {
        self.drain_for(now, Duration::MAX).0
    }

    /// Take in pending events for at most `budget`; returns how many, and
    /// whether more are waiting (then the caller asks for another frame).
    pub fn drain_for(&mut self, now: Instant, budget: Duration) -> (usize, bool) {
        if self.handle.is_none() {
            return (0, false);
        }
        let started = Instant::now();
        let mut count = 0;
        let mut stopped = false;
        // One clock reading for the whole batch, not one per message.
        let received_at = SystemTime::now();
        while let Some(event) = self.handle.as_ref().and_then(|h| h.try_next()) {
            count += 1;
            stopped |= self.take(event, now, received_at);
            if count % DRAIN_CHECK_EVERY == 0 && started.elapsed() >= budget {
                break;
            }
        }
        if count > 0
            && let Some(view) = &mut self.restore
            && self.tree.restore(&self.model.tree, view)
        {
            self.restore = None;
        }
        // Once the jump has arrived, what was not found is not looked for
        // any more (it would override what the person did since).
        if self.playback.as_ref().is_some_and(|p| {
            !p.status.seeking()
                && (p.status.pace() == crate::record::player::Pace::Paused || p.status.finished())
        }) {
            self.restore = None;
        }
        let more = !stopped && self.handle.as_ref().is_some_and(|h| h.has_events());
        if stopped {
            self.handle = None;
            self.show_editor = self.playback.is_none();
        }
        (count, more)
    }

    /// Take in one event; true when the network thread has stopped.
    fn take(&mut self, event: Event, now: Instant, received_at: SystemTime) -> bool {
        match &event {
            Event::Message(publish) => {
                self.model.ingest(publish, now, received_at);
                return false;
            }
            Event::MessageAt {
                publish,
                received_at,
            } => {
                self.model.ingest(publish, now, *received_at);
                return false;
            }
            Event::Connected(_) if !self.subscribed_on_connect => {
                self.subscribed_on_connect = true;
                self.model.apply(event, now);
                self.subscribe_all();
                return false;
            }
            Event::Rewound => {
                self.rewound();
                return false;
            }
            Event::Subscribed {
                tag,
                results,
                reason_string,
            } if matches!(self.broker_stats.subscription,
                crate::ui::broker_stats::SysSubscription::Asked(asked, _) if asked == *tag) =>
            {
                use crate::ui::broker_stats::SysSubscription;
                self.broker_stats.subscription = match results.first() {
                    Some(result) if !result.reason_code.is_error() => {
                        SysSubscription::Granted(*tag, Instant::now())
                    }
                    first => SysSubscription::Refused(crate::ui::words::broker_reason(
                        &crate::proto::session::BrokerReason {
                            reason_code: first
                                .map_or(crate::proto::ReasonCode::UnspecifiedError, |r| {
                                    r.reason_code
                                }),
                            reason_string: reason_string.clone(),
                            server_reference: None,
                            user_properties: Vec::new(),
                        },
                    )),
                };
                return false;
            }
            // A connection that never came up: show its settings again, so
            // the port or host can be fixed at once.
            Event::ConnectFailed(_) if !self.model.ever_connected() => self.show_editor = true,
            _ => {}
        }
        let stopped = matches!(event, Event::Stopped);
        self.model.apply(event, now);
        stopped
    }

    /// Subscribe to `$SYS/#` while the Broker view is open (`wanted`) and
    /// connected; unsubscribe once it is not.
    pub fn sync_sys_subscription(&mut self, wanted: bool) {
        use crate::ui::broker_stats::{SYS_FILTER, SysSubscription};
        let connected = self.model.is_connected();
        // The person's own $SYS/# subscription is theirs: never unsubscribed here.
        if self
            .model
            .subscriptions
            .iter()
            .any(|s| s.filter == SYS_FILTER)
        {
            if connected && !matches!(self.broker_stats.subscription, SysSubscription::Granted(..))
            {
                self.broker_stats.subscription = SysSubscription::Granted(0, Instant::now());
            }
            return;
        }
        let subscribed = matches!(
            self.broker_stats.subscription,
            SysSubscription::Asked(..) | SysSubscription::Granted(..)
        );
        if wanted && connected && self.broker_stats.subscription == SysSubscription::None {
            let tag = self.model.next_tag();
            self.broker_stats.subscription = SysSubscription::Asked(tag, Instant::now());
            self.send(Command::Subscribe {
                tag,
                filters: vec![SubscribeFilter::new(
                    SYS_FILTER,
                    crate::proto::QoS::AtMostOnce,
                )],
                properties: Properties::new(),
            });
        } else if !connected {
            self.broker_stats.subscription = SysSubscription::None;
        } else if !wanted && subscribed {
            let tag = self.model.next_tag();
            self.send(Command::Unsubscribe {
                tag,
                filters: vec![SYS_FILTER.into()],
                properties: Properties::new(),
            });
            self.broker_stats.subscription = SysSubscription::None;
        } else if !wanted {
            // A refusal is said once; the next opening asks again.
            self.broker_stats.subscription = SysSubscription::None;
        }
    }

    /// Forget what the connection received (the tree, the history, what
    /// Sparkplug nodes said); the connection, its subscriptions, the
    /// messages published and the packet log stay.
    pub fn clear_received(&mut self) {
        self.model.clear_received();
        self.tree.start_over();
        self.details = DetailsView::default();
        self.messages.start_over();
        self.restore = None;
    }

    /// The recording played starts again: a new model, the views emptied,
    /// and what the person had open and selected found again as it comes.
    fn rewound(&mut self) {
        let mut remembered = self.tree.remember(&self.model.tree);
        // A second jump back before the first found everything again.
        if let Some(pending) = self.restore.take() {
            remembered.expanded.extend(pending.expanded);
            remembered.selected = remembered.selected.or(pending.selected);
        }
        let mut model = ConnectionModel::new(self.model.history.limits());
        model.set_budget_later(self.model.budget());
        model.state = std::mem::replace(&mut self.model.state, ConnectionState::Idle);
        // The rules and schemas stay; what the recording taught about Sparkplug nodes goes.
        model.payloads.context = self.model.payloads.context.clone();
        self.model = model;
        self.tree.start_over();
        self.details = DetailsView::default();
        self.messages.start_over();
        self.packets.start_over();
        self.restore = Some(remembered);
    }

    /// Send SUBSCRIBE for every subscription of the tab (after CONNACK).
    fn subscribe_all(&mut self) {
        for index in 0..self.model.subscriptions.len() {
            let tag = self.model.next_tag();
            let sub = &mut self.model.subscriptions[index];
            sub.tag = tag;
            sub.status = SubscriptionStatus::Pending;
            let mut properties = Properties::new();
            if let (Some(id), ProtocolVersion::V5) = (sub.identifier, self.version) {
                properties.push(Property::SubscriptionIdentifier(id));
            }
            let command = Command::Subscribe {
                tag,
                filters: vec![SubscribeFilter {
                    filter: sub.filter.as_str().into(),
                    options: sub.options,
                }],
                properties,
            };
            self.send(command);
        }
    }

    /// Keep a subscription asked for in the window: in the model (pending)
    /// and in the profile, replacing one on the same filter.
    pub fn add_subscription(&mut self, saved: SavedSubscription, tag: u64) {
        self.model
            .subscriptions
            .retain(|s| s.filter != saved.filter);
        let mut subscription = subscription_from(&saved, self.model.subscriptions.len());
        subscription.status = SubscriptionStatus::Pending;
        subscription.tag = tag;
        self.model.subscriptions.push(subscription);
        let subs = &mut self.editor.profile.subscriptions;
        subs.retain(|s| s.filter != saved.filter);
        subs.push(saved);
    }

    /// `host:port` of the profile, for the status line.
    pub fn address_text(&self) -> String {
        let p = &self.editor.profile;
        format!("{}:{}", p.host, p.port)
    }
}

/// The model's view of a saved subscription; an unset colour gets the
/// palette's `index`-th.
pub fn subscription_from(saved: &SavedSubscription, index: usize) -> Subscription {
    let filter = saved.subscribe_filter();
    Subscription {
        filter: saved.filter.clone(),
        options: filter.options,
        identifier: saved.subscription_identifier,
        color: if saved.color == [0, 0, 0] {
            color_for(index)
        } else {
            saved.color
        },
        status: SubscriptionStatus::Inactive,
        tag: 0,
    }
}
