//! Export from the window: the messages asked for are copied out of the
//! tab's model (bounded by its memory budget), and the worker asks where to
//! write them and writes them there.

use std::time::SystemTime;

use super::MqscopeApp;
use super::tab::Tab;
use super::worker::Job;
use crate::export::{ExportFormat, file_extension};
use crate::model::{ConnectionModel, NodeId, StoredMessage};
use crate::proto::Publish;
use crate::ui::ExportWhat;

impl MqscopeApp {
    /// Write out `what` of the active tab in `format`.
    pub(super) fn export(&mut self, what: ExportWhat, format: ExportFormat) {
        let (messages, name) = collect(&self.tabs[self.active], what);
        self.queue(Job::ExportMessages {
            messages,
            format,
            file_name: format!("{name}.{}", file_extension(format)),
        });
    }
}

/// The messages `what` names in `tab`, oldest first, and a file name for
/// them (without its extension).
fn collect(tab: &Tab, what: ExportWhat) -> (Vec<(Publish, SystemTime)>, String) {
    let model = &tab.model;
    let (messages, name) = match what {
        ExportWhat::TopicHistory(node) => {
            let mut kept: Vec<&StoredMessage> = model.topic_history(node).collect();
            kept.reverse();
            (
                kept,
                format!("{}-history", file_stem(&model.tree.path(node))),
            )
        }
        ExportWhat::Subtree(node) => (
            model
                .history
                .in_range(0..=u64::MAX)
                .filter(|m| is_under(model, m.topic, node))
                .collect(),
            format!("{}-all", file_stem(&model.tree.path(node))),
        ),
        ExportWhat::MessagesShown => (
            tab.messages
                .shown()
                .filter_map(|seq| model.history.get(seq))
                .collect(),
            "messages".to_owned(),
        ),
    };
    (exported(model, &messages), name)
}

/// The messages as PUBLISH packets again, with when they arrived.
fn exported(model: &ConnectionModel, messages: &[&StoredMessage]) -> Vec<(Publish, SystemTime)> {
    messages
        .iter()
        .map(|m| (m.to_publish(&model.tree.path(m.topic)), m.received_at()))
        .collect()
}

/// Whether `topic` is `node` or below it.
fn is_under(model: &ConnectionModel, topic: NodeId, node: NodeId) -> bool {
    let mut current = Some(topic);
    while let Some(id) = current {
        if id == node {
            return true;
        }
        current = model.tree.node(id).parent;
    }
    false
}

/// A topic as part of a file name: levels joined by `-`, only letters,
/// digits, `-` and `_`.
fn file_stem(topic: &str) -> String {
    let stem: String = topic
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let stem = stem.trim_matches('-');
    if stem.is_empty() {
        "topic".to_owned()
    } else {
        stem.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::model::HistoryLimits;
    use crate::profiles::Profile;
    use crate::proto::{Properties, Property};
    use std::time::{Duration, Instant};

    fn tab_with(messages: &[(&str, &str)]) -> Tab {
        let mut tab = Tab::new(
            super::super::worker::TabId::default(),
            Profile::new("lab"),
            HistoryLimits::default(),
        );
        for (i, (topic, payload)) in messages.iter().enumerate() {
            let mut publish = Publish::new(*topic, payload.as_bytes().to_vec());
            publish.properties =
                Properties::new().with(Property::UserProperty("n".into(), i.to_string().into()));
            let at = SystemTime::UNIX_EPOCH + Duration::from_secs(i as u64);
            tab.model.ingest(&publish, Instant::now(), at);
        }
        tab
    }

    fn topics_and_payloads(found: &[(Publish, SystemTime)]) -> Vec<(String, String)> {
        found
            .iter()
            .map(|(p, _)| {
                (
                    p.topic.to_string(),
                    String::from_utf8_lossy(&p.payload).into_owned(),
                )
            })
            .collect()
    }

    #[test]
    fn a_topic_history_and_a_subtree_come_out_oldest_first_with_their_properties() {
        let tab = tab_with(&[
            ("lab/room-1/t", "20"),
            ("lab/room-2/t", "30"),
            ("lab/room-1/t", "21"),
            ("lab/room-1/h", "40"),
        ]);
        let topic = tab.model.tree.find("lab/room-1/t").unwrap();
        let (found, name) = collect(&tab, ExportWhat::TopicHistory(topic));
        assert_eq!(name, "lab-room-1-t-history");
        assert_eq!(
            topics_and_payloads(&found),
            [
                ("lab/room-1/t".into(), "20".into()),
                ("lab/room-1/t".into(), "21".into())
            ]
        );
        assert_eq!(found[1].1, SystemTime::UNIX_EPOCH + Duration::from_secs(2));
        assert_eq!(
            found[1].0.properties.user_properties().next(),
            Some(("n", "2"))
        );
        let room = tab.model.tree.find_node("lab/room-1").unwrap();
        let (found, name) = collect(&tab, ExportWhat::Subtree(room));
        assert_eq!(name, "lab-room-1-all");
        assert_eq!(
            topics_and_payloads(&found),
            [
                ("lab/room-1/t".into(), "20".into()),
                ("lab/room-1/t".into(), "21".into()),
                ("lab/room-1/h".into(), "40".into())
            ]
        );
    }

    #[test]
    fn a_topic_makes_a_plain_file_name() {
        assert_eq!(
            file_stem("lab/room-1/temperature"),
            "lab-room-1-temperature"
        );
        assert_eq!(file_stem("/"), "topic");
        assert_eq!(file_stem("../x"), "x");
    }
}
