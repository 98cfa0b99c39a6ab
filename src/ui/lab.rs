//! Lab mode in the window: the banner that says what a first run shows, and
//! the "Built-in broker" view (its ports, clients, rates and switches).

use egui::RichText;
use rust_i18n::t;

use super::Action;
use super::widgets::{CONNECTED_COLOR, dot};

/// What the "Built-in broker" view shows, as plain values.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LabSummary {
    /// Whether this build has a built-in broker at all.
    pub available: bool,
    /// Whether it is running.
    pub running: bool,
    /// Whether it is starting.
    pub starting: bool,
    /// Why it did not start, in words.
    pub error: Option<String>,
    /// Where clients connect: `mqtt://127.0.0.1:1883`, `ws://…/mqtt`.
    pub urls: Vec<String>,
    /// Listeners that did not get their usual port: (name, usual port).
    pub moved: Vec<(&'static str, u16)>,
    /// The connected clients' identifiers.
    pub clients: Vec<String>,
    /// PUBLISH received per second.
    pub received_per_second: f64,
    /// PUBLISH sent per second.
    pub sent_per_second: f64,
    /// Whether the demo sensors run.
    pub demo: bool,
    /// Whether the firehose is on.
    pub firehose: bool,
}

/// The banner over a tab on the built-in broker.
pub fn banner(ui: &mut egui::Ui) -> Option<Action> {
    let mut action = None;
    egui::Frame::group(ui.style())
        .fill(ui.visuals().faint_bg_color)
        .show(ui, |ui| {
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(t!("Built-in broker")).strong());
                ui.label(t!(
                    "You are looking at mqscope's own broker, running on this computer, and its demo sensors: two rooms, a greenhouse, an ESP32 board, a power meter, an alarm and a pump that answers commands on lab/pump/command. No internet needed."
                ));
                if ui
                    .button(t!("Connect to HiveMQ's public broker or your own…"))
                    .clicked()
                {
                    action = Some(Action::ChooseAnotherBroker);
                }
            });
        });
    action
}

/// The "Built-in broker" view.
pub fn show(ui: &mut egui::Ui, lab: &LabSummary) -> Vec<Action> {
    let mut actions = Vec::new();
    if !lab.available {
        ui.label(t!("This build of mqscope has no built-in broker."));
        return actions;
    }
    ui.horizontal(|ui| {
        if lab.running {
            dot(ui, CONNECTED_COLOR);
            ui.label(RichText::new(t!("Running")).strong());
            if ui.button(t!("Stop the broker")).clicked() {
                actions.push(Action::RunBuiltinBroker(false));
            }
        } else if lab.starting {
            ui.spinner();
            ui.label(t!("Starting…"));
        } else {
            ui.label(t!("Stopped"));
            if ui.button(t!("Start the broker")).clicked() {
                actions.push(Action::RunBuiltinBroker(true));
            }
        }
        let mut demo = lab.demo;
        if ui
            .add_enabled(
                lab.running,
                egui::Checkbox::new(&mut demo, t!("Demo sensors")),
            )
            .changed()
        {
            actions.push(Action::RunDemoSensors(demo));
        }
        let mut firehose = lab.firehose;
        if ui
            .add_enabled(
                lab.running,
                egui::Checkbox::new(&mut firehose, t!("Firehose (10 000 messages a second)")),
            )
            .changed()
        {
            actions.push(Action::RunFirehose(firehose));
        }
    });
    if let Some(error) = &lab.error {
        ui.label(RichText::new(error).color(ui.visuals().error_fg_color));
    }
    if !lab.running {
        return actions;
    }
    details(ui, lab);
    actions
}

/// Addresses, moved ports, rates and clients of a running broker.
fn details(ui: &mut egui::Ui, lab: &LabSummary) {
    ui.horizontal_wrapped(|ui| {
        ui.label(t!("Clients connect to"));
        for url in &lab.urls {
            ui.label(RichText::new(url).monospace());
        }
        ui.label(RichText::new(t!("(this computer only)")).weak());
    });
    for (listener, port) in &lab.moved {
        ui.label(
            RichText::new(t!(
                "Port %{port} was in use, so %{listener} took the next free port.",
                port = port,
                listener = listener
            ))
            .color(ui.visuals().warn_fg_color),
        );
    }
    ui.label(t!(
        "Messages: %{received} received and %{sent} delivered per second",
        received = format!("{:.0}", lab.received_per_second),
        sent = format!("{:.0}", lab.sent_per_second)
    ));
    ui.label(
        RichText::new(t!(
            "Connected clients (%{count})",
            count = lab.clients.len()
        ))
        .strong(),
    );
    egui::ScrollArea::vertical()
        .id_salt("lab-clients")
        .max_height(160.0)
        .show(ui, |ui| {
            for client in &lab.clients {
                ui.label(RichText::new(client).monospace());
            }
        });
}
