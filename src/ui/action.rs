//! [`Action`]: everything a person can ask the window for. Panels return
//! actions; `app::actions` is the one place that carries them out.

use crate::app::ThemeChoice;
use crate::language::Language;
use crate::model::NodeId;
use crate::proto::{Properties, Publish, SubscribeFilter};

/// Which messages of the tab shown to write out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportWhat {
    /// The history of one topic.
    TopicHistory(NodeId),
    /// Every kept message on a node's topics and below.
    Subtree(NodeId),
    /// The messages log as filtered.
    MessagesShown,
}

/// What the person asked for. Actions about a connection apply to the tab
/// shown.
#[derive(Clone, Debug)]
pub enum Action {
    /// Connect the tab.
    Connect,
    /// Forget what the tab's connection received: its tree and history
    /// (after the person confirmed it).
    ClearReceived,
    /// Disconnect the tab.
    Disconnect,
    /// Trust the broker certificate with this fingerprint in the tab's
    /// profile, and connect again.
    TrustCertificate(crate::net::Fingerprint),
    /// Subscribe to filters.
    Subscribe(Vec<SubscribeFilter>, Properties),
    /// Unsubscribe from a filter.
    Unsubscribe(String),
    /// Unsubscribe from `old` and subscribe to `filter` instead.
    ReplaceSubscription {
        /// The filter given up.
        old: String,
        /// The one subscribed to.
        filter: SubscribeFilter,
        /// Its SUBSCRIBE properties.
        properties: Properties,
    },
    /// Publish a message.
    Publish(Publish),
    /// Send a message again and again on the tab's connection.
    StartTimer {
        /// The message (its text payload may hold placeholders).
        publish: Publish,
        /// Between two sends.
        interval: std::time::Duration,
        /// How many in all; `None` until stopped.
        count: Option<u64>,
    },
    /// Stop a timer of the tab, by id.
    StopTimer(u64),
    /// Open the window that exports saved connections.
    ShowProfileExport,
    /// Write profiles to an export file.
    ExportProfiles {
        /// The profiles chosen.
        profiles: Vec<crate::profiles::Profile>,
        /// Write their passwords too.
        with_passwords: bool,
        /// The file, or `None` to ask in a dialog.
        path: Option<std::path::PathBuf>,
    },
    /// Import connections from a file (mqscope, MQTTX or MQTT Explorer),
    /// or `None` to ask for it in a dialog.
    ImportProfiles(Option<std::path::PathBuf>),
    /// Keep the Publish form's message in the library under this name
    /// (replacing the profile's message of that name).
    SaveToLibrary(String),
    /// Put a library message, by id, in the Publish form.
    LoadFromLibrary(String),
    /// Send a library message, by id, as it was saved.
    SendFromLibrary(String),
    /// Delete a library message, by id.
    DeleteFromLibrary(String),
    /// Delete the retained message of a topic (publish an empty retained message).
    DeleteRetained(String),
    /// Publish a request: subscribe to its Response Topic first, when no
    /// subscription covers it.
    PublishRequest(Publish),
    /// Clear the retained messages of these topics (confirmed).
    ClearRetained(Vec<String>),
    /// Ask a Sparkplug B edge node for a rebirth (publish its NCMD).
    RequestRebirth {
        /// The group id.
        group: String,
        /// The edge node id.
        edge_node: String,
    },
    /// Switch the packet log on or off.
    SetPacketLog(bool),
    /// Record the tab's connection to a new file in the recordings folder.
    StartRecording(crate::record::Scope),
    /// Stop the tab's recording.
    StopRecording,
    /// Open a recording in a tab of its own (a file dialog on the worker).
    OpenRecording,
    /// Write messages out to a file the person chooses.
    Export(ExportWhat, crate::export::ExportFormat),
    /// Publish the tab's recording's messages into another tab's connection
    /// (by tab id), this many times as fast as they were recorded.
    ReplayTo(u64, f64),
    /// Stop the tab's replay.
    StopReplay,
    /// Play the tab's recording on at this pace.
    PlaybackPace(crate::record::player::Pace),
    /// Show the tab's recording as it was this long after it began.
    PlaybackSeek(std::time::Duration),
    /// Save the profile in the editor.
    SaveProfile,
    /// Delete the saved profile in the editor (and its keyring entry).
    DeleteProfile,
    /// Start the editor from another profile (a preset or a saved one), by id.
    LoadProfile(String),
    /// Ask for a file to send as the payload (a dialog on the worker).
    PickPayloadFile,
    /// Change the history bounds of every connection.
    SetHistoryLimits {
        /// Messages kept in all.
        messages: usize,
        /// Messages kept per topic.
        per_topic: usize,
    },
    /// Save a payload to a file the person chooses.
    SavePayload(bytes::Bytes),
    /// Change the memory budgets.
    SetMemoryBudgets {
        /// What each connection may hold, in MiB.
        connection_mib: usize,
        /// What all tabs together may hold, in MiB.
        app_mib: usize,
    },
    /// Change the theme.
    SetTheme(ThemeChoice),
    /// Change the language (`None`: follow the system).
    SetLanguage(Option<Language>),
    /// Show message times in UTC (`true`) or local time.
    SetUtcTimes(bool),
    /// Show another tab.
    SwitchTab(usize),
    /// Close a tab (and its connection).
    CloseTab(usize),
    /// Open a new tab on the first preset.
    NewTab,
    /// Show or hide the connection editor.
    ToggleEditor,
    /// Put the keyboard focus in the tree's filter field.
    FocusTopicFilter,
    /// Show a topic: reveal it in the tree and select it.
    ShowTopic(NodeId),
    /// The tree's selection changed: the details start at the newest message.
    TopicSelected,
    /// Forget the notices shown.
    DismissNotices,
    /// Start or stop the built-in broker.
    RunBuiltinBroker(bool),
    /// Start or stop the demo sensors.
    RunDemoSensors(bool),
    /// Turn the demo's firehose (10 000 msg/s) on or off.
    RunFirehose(bool),
    /// Leave the demo: put a public broker in the editor and show it.
    ChooseAnotherBroker,
    /// Let other computers connect to the built-in broker (with a password), or stop.
    ShareBuiltinBroker(bool),
    /// Make a new password for the shared built-in broker.
    NewShareCredentials,
}
