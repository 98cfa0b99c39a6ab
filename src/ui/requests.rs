//! The Requests view: each message published with a Response Topic and a
//! Correlation Data, paired with the first message that came back on that
//! topic with the same Correlation Data, and its round-trip time; requests
//! still unanswered after [`UNANSWERED_AFTER`] said to be so.

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use egui::RichText;
use rust_i18n::t;

use crate::model::ConnectionModel;
use crate::proto::{Properties, Property};
use crate::ui::widgets::error_color;

/// How long a request waits before it is called unanswered.
pub const UNANSWERED_AFTER: Duration = Duration::from_secs(10);

/// A request and what became of it.
#[derive(Clone, Debug, PartialEq)]
pub struct RequestPair {
    /// The topic the request went to.
    pub topic: String,
    /// Where the response was asked for.
    pub response_topic: String,
    /// When it was sent.
    pub sent_at: SystemTime,
    /// The response's round trip and payload, once it came.
    pub answer: Option<(Duration, Box<[u8]>)>,
}

/// A fresh Correlation Data: 16 random bytes as 32 hex digits.
pub fn fresh_correlation() -> String {
    (0..16)
        .map(|_| format!("{:02x}", fastrand::u8(..)))
        .collect()
}

fn response_topic(properties: &Properties) -> Option<&str> {
    properties.iter().find_map(|p| match p {
        Property::ResponseTopic(topic) => Some(topic.as_ref()),
        _ => None,
    })
}

fn correlation(properties: &Properties) -> Option<&Bytes> {
    properties.iter().find_map(|p| match p {
        Property::CorrelationData(data) => Some(data),
        _ => None,
    })
}

/// Every request published from the window, newest first, with its
/// response when one of the kept messages is it.
pub fn pairs(model: &ConnectionModel) -> Vec<RequestPair> {
    model
        .published
        .iter()
        .rev()
        .filter_map(|record| {
            let properties = &record.publish.properties;
            let response_topic = response_topic(properties)?;
            let wanted = correlation(properties)?;
            let sent_micros = crate::record::writer::micros_since_epoch(record.sent_at);
            let answer = model
                .tree
                .find_node(response_topic)
                .and_then(|node| {
                    let newest = model.tree.node(node).last_seq();
                    model
                        .history
                        .of_topic(newest)
                        .filter(|m| m.received_at_micros >= sent_micros)
                        .filter(|m| {
                            m.properties
                                .as_deref()
                                .and_then(correlation)
                                .is_some_and(|data| data == wanted)
                        })
                        .last()
                })
                .map(|m| {
                    let micros = m.received_at_micros.saturating_sub(sent_micros);
                    (Duration::from_micros(micros), m.payload.clone())
                });
            Some(RequestPair {
                topic: record.publish.topic.to_string(),
                response_topic: response_topic.to_owned(),
                sent_at: record.sent_at,
                answer,
            })
        })
        .collect()
}

/// Draw the view.
pub fn show(ui: &mut egui::Ui, model: &ConnectionModel) {
    let all = pairs(model);
    if all.is_empty() {
        ui.label(
            RichText::new(t!(
                "No request yet. Tick \"Expect a response\" in Publish: the message goes with a Response Topic and a fresh Correlation Data, and its response is paired with it here."
            ))
            .weak(),
        );
        return;
    }
    let answered = all.iter().filter(|p| p.answer.is_some()).count();
    ui.label(t!(
        "Requests: %{all}, answered: %{answered}",
        all = all.len(),
        answered = answered
    ));
    egui::ScrollArea::vertical()
        .id_salt("requests")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for pair in &all {
                ui.horizontal_wrapped(|ui| {
                    ui.label(
                        RichText::new(t!(
                            "%{topic}, answer on %{reply}:",
                            topic = pair.topic.as_str(),
                            reply = pair.response_topic.as_str()
                        ))
                        .monospace(),
                    );
                    match &pair.answer {
                        Some((round_trip, payload)) => {
                            ui.label(t!(
                                "answered in %{ms} ms",
                                ms = format!("{:.1}", round_trip.as_secs_f64() * 1000.0)
                            ));
                            ui.label(
                                RichText::new(crate::ui::payload_preview(payload, 60))
                                    .monospace()
                                    .weak(),
                            );
                        }
                        None => {
                            let waited = pair.sent_at.elapsed().unwrap_or_default();
                            if waited > UNANSWERED_AFTER {
                                ui.label(
                                    RichText::new(t!(
                                        "no answer after %{secs} s",
                                        secs = waited.as_secs()
                                    ))
                                    .color(error_color(ui)),
                                );
                            } else {
                                ui.label(RichText::new(t!("waiting for the answer…")).weak());
                                ui.ctx().request_repaint_after(Duration::from_millis(500));
                            }
                        }
                    }
                });
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::Publish;

    fn request(model: &mut ConnectionModel, topic: &str, reply: &str, data: &str) {
        let mut publish = Publish::new(topic, b"q".to_vec());
        publish.properties = Properties::new()
            .with(Property::ResponseTopic(reply.into()))
            .with(Property::CorrelationData(Bytes::from(data.to_owned())));
        let tag = model.next_tag();
        model.record_publish(tag, publish);
    }

    fn response(model: &mut ConnectionModel, topic: &str, data: &str, payload: &[u8]) {
        let mut publish = Publish::new(topic, payload.to_vec());
        publish.properties =
            Properties::new().with(Property::CorrelationData(Bytes::from(data.to_owned())));
        model.ingest(&publish, std::time::Instant::now(), SystemTime::now());
    }

    #[test]
    fn a_response_pairs_with_its_request_by_correlation_only() {
        let mut model = ConnectionModel::default();
        request(&mut model, "svc/req", "svc/reply", "aaaa");
        request(&mut model, "svc/req", "svc/reply", "bbbb");
        response(&mut model, "svc/reply", "zzzz", b"stray");
        response(&mut model, "svc/reply", "bbbb", b"for b");
        let all = pairs(&model);
        assert_eq!(all.len(), 2);
        // Newest first: b, answered; a, waiting.
        assert_eq!(
            all[0].answer.as_ref().map(|(_, p)| &p[..]),
            Some(&b"for b"[..])
        );
        assert_eq!(all[1].answer, None);
        assert_eq!(fresh_correlation().len(), 32);
    }
}
