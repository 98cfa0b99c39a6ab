//! The connection status (always visible) and the stats line.

use std::time::Instant;

use egui::RichText;
use rust_i18n::t;

use crate::language::plural;

use super::format_bytes;
use super::widgets::{seconds_left, state_color};
use super::words;
use crate::model::{ConnectionModel, ConnectionState, EndReason};
use crate::net::{ConnectError, Fingerprint, TlsFailure};
use crate::ui::Action;

/// The connection's state in one sentence.
fn state_text(model: &ConnectionModel, address: &str, version: &str) -> String {
    match &model.state {
        ConnectionState::Idle => t!("Not connected").into_owned(),
        ConnectionState::Connecting { attempt, .. } if *attempt > 1 => t!(
            "Connecting to %{address} (attempt %{n})…",
            address = address,
            n = attempt
        )
        .into_owned(),
        ConnectionState::Connecting { .. } => {
            t!("Connecting to %{address}…", address = address).into_owned()
        }
        ConnectionState::Connected(_) => t!(
            "Connected · %{address} · MQTT %{version}",
            address = address,
            version = version
        )
        .into_owned(),
        ConnectionState::Disconnected { reason, .. } => after_loss(model, reason),
        ConnectionState::Reconnecting { reason, .. } => {
            let left = model.reconnect_in(Instant::now()).unwrap_or_default();
            let waiting = t!("Reconnecting in %{secs} s…", secs = seconds_left(left));
            match reason {
                Some(reason) => format!("{} {waiting}", after_loss(model, reason)),
                None => waiting.into_owned(),
            }
        }
    }
}

/// Why the connection is not up: after it was up, a failed retry is said to
/// be a retry of a lost connection, not a first attempt that found nothing.
fn after_loss(model: &ConnectionModel, reason: &EndReason) -> String {
    match reason {
        EndReason::ConnectFailed(error) if model.ever_connected() => t!(
            "The connection was lost; trying again: %{what}",
            what = words::connect_error(error)
        )
        .into_owned(),
        _ => words::end_reason(reason),
    }
}

/// The fingerprint of the broker certificate the last attempt refused.
fn refused_certificate(state: &ConnectionState) -> Option<Fingerprint> {
    let reason = match state {
        ConnectionState::Disconnected { reason, .. } => reason,
        ConnectionState::Reconnecting {
            reason: Some(reason),
            ..
        } => reason,
        _ => return None,
    };
    match reason {
        EndReason::ConnectFailed(ConnectError::Tls(TlsFailure::Untrusted {
            presented: Some(fingerprint),
            ..
        })) => Some(*fingerprint),
        _ => None,
    }
}

/// The status of a connection in one line, with a colored dot, and after a
/// refused certificate the choice to trust it. Returns what was clicked.
pub fn show_status(
    ui: &mut egui::Ui,
    model: &ConnectionModel,
    address: &str,
    version: &str,
) -> Option<Action> {
    let mut action = None;
    ui.horizontal_wrapped(|ui| {
        super::dot(ui, state_color(&model.state));
        ui.label(state_text(model, address, version));
    });
    if let Some(fingerprint) = refused_certificate(&model.state)
        && ui
            .button(t!("Trust this certificate"))
            .on_hover_text(t!(
                "Only if you know this is your broker's certificate (compare the fingerprint with the one its administrator gives you): mqscope then trusts this one certificate for this connection, and no other."
            ))
            .clicked()
    {
        action = Some(Action::TrustCertificate(fingerprint));
    }
    if let Some(info) = model.broker() {
        ui.horizontal_wrapped(|ui| {
            // Body size: a person must be able to read what the broker granted.
            let weak = |s: String| RichText::new(s).weak();
            ui.label(weak(
                t!("keep alive %{s} s", s = info.keep_alive_secs).into_owned(),
            ));
            ui.label(weak(
                t!("receive maximum %{n}", n = info.receive_maximum).into_owned(),
            ));
            ui.label(weak(match info.maximum_packet_size {
                Some(size) => {
                    t!("max packet %{size}", size = format_bytes(size as usize)).into_owned()
                }
                None => t!("no packet size limit").into_owned(),
            }));
            ui.label(weak(
                t!("max QoS %{q}", q = info.maximum_qos.to_u8()).into_owned(),
            ));
            let yes_no = |b: bool| if b { t!("yes") } else { t!("no") };
            ui.label(weak(format!(
                "{} {}",
                t!("retain"),
                yes_no(info.retain_available)
            )));
            ui.label(weak(format!(
                "{} {}",
                t!("wildcards"),
                yes_no(info.wildcard_subscription_available)
            )));
            ui.label(weak(format!(
                "{} {}",
                t!("shared"),
                yes_no(info.shared_subscription_available)
            )));
            if info.session_present {
                ui.label(weak(t!("session resumed").into_owned()));
            }
            if let Some(id) = &info.assigned_client_id {
                ui.label(weak(t!("client id %{id} (assigned)", id = id).into_owned()));
            }
        });
    }
    action
}

/// Figures for the stats line.
#[derive(Clone, Copy, Debug, Default)]
pub struct Stats {
    /// Messages per second in, over all tabs.
    pub rate: f64,
    /// Messages dropped from history by the bounds.
    pub dropped: u64,
    /// Topics the memory budget made the tree forget.
    pub topics_forgotten: u64,
    /// Bytes held, over all tabs.
    pub memory: usize,
    /// The budget those bytes are held against.
    pub budget: usize,
    /// CPU time of the last frame, in milliseconds.
    pub frame_ms: Option<f32>,
    /// Topics in the active tab.
    pub topics: usize,
}

/// The stats line.
pub fn show_stats(ui: &mut egui::Ui, stats: Stats) {
    ui.horizontal(|ui| {
        let mut dropped = t!(
            plural("%{n} dropped from history", stats.dropped),
            n = stats.dropped
        )
        .into_owned();
        if stats.topics_forgotten > 0 {
            dropped = format!(
                "{dropped} · {}",
                t!(
                    plural("%{n} topics forgotten", stats.topics_forgotten),
                    n = stats.topics_forgotten
                )
            );
        }
        let text = format!(
            "{} · {} · {} · {} · {}",
            t!("%{rate} msg/s", rate = format!("{:.0}", stats.rate)),
            t!(plural("%{n} topics", stats.topics as u64), n = stats.topics),
            dropped,
            t!(
                "%{held} of %{budget} held",
                held = format_bytes(stats.memory),
                budget = format_bytes(stats.budget)
            ),
            match stats.frame_ms {
                Some(ms) => t!("frame %{ms} ms", ms = format!("{ms:.1}")).into_owned(),
                None => t!("frame –").into_owned(),
            }
        );
        ui.label(RichText::new(text).small().monospace());
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::HistoryLimits;
    use crate::net::Event;
    use crate::proto::session::ConnectionInfo;
    use crate::proto::{ConnAck, ReasonCode};

    fn refused() -> Event {
        Event::ConnectFailed(ConnectError::Refused {
            address: "127.0.0.1:1883".into(),
        })
    }

    #[test]
    fn a_failed_retry_after_a_lost_connection_says_it_was_lost() {
        let now = Instant::now();
        let mut model = ConnectionModel::new(HistoryLimits::default());
        model.apply(refused(), now);
        let first = state_text(&model, "127.0.0.1:1883", "5.0");
        assert!(
            first.contains("was refused") && !first.contains("lost"),
            "{first}"
        );
        model.apply(
            Event::Connected(ConnectionInfo::from_connack(
                &ConnAck::new(false, ReasonCode::Success),
                60,
            )),
            now,
        );
        model.apply(refused(), now);
        let retry = state_text(&model, "127.0.0.1:1883", "5.0");
        assert!(
            retry.contains("The connection was lost; trying again") && retry.contains("refused"),
            "{retry}"
        );
    }
}
