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
    /// While other computers may connect: the user name and password they give.
    pub shared: Option<(String, String)>,
    /// The addresses other computers type, while shared.
    pub shared_urls: Vec<String>,
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
    ui.separator();
    actions.extend(sharing(ui, lab));
    actions
}

/// "Let other computers connect": off by default; when on, the addresses,
/// the credentials (the password hidden until asked for) and a QR code.
fn sharing(ui: &mut egui::Ui, lab: &LabSummary) -> Vec<Action> {
    let mut actions = Vec::new();
    let mut shared = lab.shared.is_some();
    if ui
        .checkbox(
            &mut shared,
            t!("Let other computers connect (with a password)"),
        )
        .changed()
    {
        actions.push(Action::ShareBuiltinBroker(shared));
    }
    let Some((user_name, password)) = &lab.shared else {
        return actions;
    };
    if lab.shared_urls.is_empty() {
        ui.label(
            RichText::new(t!(
                "This computer has no network address right now; connect it to the lab's network."
            ))
            .color(ui.visuals().warn_fg_color),
        );
        return actions;
    }
    ui.columns(2, |columns| {
        let ui = &mut columns[0];
        ui.label(t!("Other computers connect to"));
        for url in &lab.shared_urls {
            ui.label(RichText::new(url).monospace().strong());
        }
        ui.horizontal(|ui| {
            ui.label(t!("User name"));
            ui.label(RichText::new(user_name).monospace());
        });
        ui.horizontal(|ui| {
            let shown_id = ui.scope_id().with("show-shared-password");
            let mut shown = ui.data(|d| d.get_temp::<bool>(shown_id).unwrap_or(false));
            ui.label(t!("Password"));
            if shown {
                ui.label(RichText::new(password).monospace());
            } else {
                ui.label(RichText::new("••••••••").monospace());
            }
            let label = if shown { t!("Hide") } else { t!("Show") };
            if ui.small_button(label).clicked() {
                shown = !shown;
                ui.data_mut(|d| d.insert_temp(shown_id, shown));
            }
        });
        if ui.button(t!("Make a new password")).clicked() {
            actions.push(Action::NewShareCredentials);
        }
        ui.label(
            RichText::new(t!("The password is kept in the system keyring, so saved connections keep working from one class to the next."))
                .small()
                .weak(),
        );
        if let Some(url) = lab.shared_urls.first() {
            qr_code(&mut columns[1], url);
        }
    });
    actions
}

/// `text` as a QR code, for phones.
fn qr_code(ui: &mut egui::Ui, text: &str) {
    let Ok(code) = qrcode::QrCode::new(text.as_bytes()) else {
        return;
    };
    let width = code.width();
    let colors = code.to_colors();
    let module = 4.0;
    let quiet = 2.0 * module;
    let side = width as f32 * module + 2.0 * quiet;
    let (rect, response) = ui.allocate_exact_size(egui::vec2(side, side), egui::Sense::hover());
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Image, true, text));
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 0.0, egui::Color32::WHITE);
    for (index, color) in colors.iter().enumerate() {
        if *color == qrcode::Color::Dark {
            let (x, y) = ((index % width) as f32, (index / width) as f32);
            let min = rect.min + egui::vec2(quiet + x * module, quiet + y * module);
            painter.rect_filled(
                egui::Rect::from_min_size(min, egui::vec2(module, module)),
                0.0,
                egui::Color32::BLACK,
            );
        }
    }
    ui.label(RichText::new(text).small().weak());
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
