//! The packet inspector: every packet in both directions, and for the
//! selected one its fields — name, byte range, value — beside a hex view in
//! which the field under the mouse is highlighted in both places.

use egui::{Color32, RichText, Sense};
use rust_i18n::t;

use crate::language::plural;

use super::packet_summary::packet_summary;
use super::{Action, format_bytes, time_of_day, tr};
use crate::model::ConnectionModel;
use crate::model::message::micros_since_epoch;
use crate::proto::inspect::{Inspection, inspect};
use crate::proto::session::Direction;
use crate::proto::{PacketType, ProtocolVersion};

/// The state of the packet inspector.
#[derive(Default)]
pub struct PacketsView {
    /// The selected packet (index into the model's packet log, counted from the start of the log).
    pub selected: Option<usize>,
    /// Show only packets of this type.
    pub kind: Option<PacketType>,
    hovered_field: Option<usize>,
    cached: Option<(usize, u64, Inspection)>,
}

const ROW_HEIGHT: f32 = 18.0;

impl PacketsView {
    /// An inspector of a new packet log: nothing selected, the type kept.
    pub fn start_over(&mut self) {
        *self = PacketsView {
            kind: self.kind,
            ..PacketsView::default()
        };
    }

    /// Draw the inspector. `logging` is whether the packet log is on.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        model: &ConnectionModel,
        logging: bool,
        version: ProtocolVersion,
    ) -> Option<Action> {
        let action = self.toolbar(ui, model, logging);
        if model.packets.is_empty() {
            ui.label(RichText::new(t!(
                "Connect to see how the connection begins, byte by byte; turn on \"Record packets\" to see every packet mqscope sends and receives."
            )).weak());
            return action;
        }
        let rows: Vec<usize> = match self.kind {
            None => (0..model.packets.len()).collect(),
            Some(kind) => (0..model.packets.len())
                .filter(|&i| kind_of(&model.packets[i].bytes) == Some(kind))
                .collect(),
        };
        self.packet_list(ui, model, &rows, version);
        egui::CentralPanel::default().show(ui, |ui| self.selected_packet(ui, model, version));
        action
    }

    /// "Record packets", the count and the packet type shown.
    fn toolbar(
        &mut self,
        ui: &mut egui::Ui,
        model: &ConnectionModel,
        logging: bool,
    ) -> Option<Action> {
        let mut action = None;
        ui.horizontal(|ui| {
            let mut on = logging;
            if ui.checkbox(&mut on, t!("Record packets")).changed() {
                action = Some(Action::SetPacketLog(on));
            }
            ui.label(
                RichText::new(t!(
                    plural(
                        "%{count} packets (%{dropped} older ones dropped)",
                        model.packets.len() as u64
                    ),
                    count = model.packets.len(),
                    dropped = model.packets_evicted
                ))
                .weak(),
            );
            if !logging {
                ui.label(
                    RichText::new(t!(
                        "(the first packets of each connection are always kept; record to keep them all)"
                    ))
                    .weak(),
                );
            }
            let label = ui.label(t!("Show"));
            egui::ComboBox::from_id_salt("packet-kind")
                .selected_text(
                    self.kind
                        .map_or_else(|| t!("All packets").into_owned(), |k| k.name().to_owned()),
                )
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.kind, None, t!("All packets"));
                    for kind in PacketType::ALL {
                        ui.selectable_value(&mut self.kind, Some(kind), kind.name());
                    }
                })
                .response
                .labelled_by(label.id);
        });
        action
    }

    /// The list of packets, one row each, newest at the bottom, each with
    /// what it is about.
    fn packet_list(
        &mut self,
        ui: &mut egui::Ui,
        model: &ConnectionModel,
        rows: &[usize],
        version: ProtocolVersion,
    ) {
        egui::Panel::left("packet-list-panel")
            .resizable(true)
            .default_size(420.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .id_salt("packet-list")
                    .auto_shrink([false, false])
                    // A selected packet does not scroll away.
                    .stick_to_bottom(self.kind.is_none() && self.selected.is_none())
                    .show_rows(ui, ROW_HEIGHT, rows.len(), |ui, range| {
                        for &index in &rows[range] {
                            let packet = &model.packets[index];
                            let arrow = match packet.direction {
                                Direction::Sent => "→",
                                Direction::Received => "←",
                            };
                            let kind = kind_of(&packet.bytes).map_or("?", |t| t.name());
                            let text = format!(
                                "{arrow} {}  {kind:<11} {:>8}  {}",
                                time_of_day(micros_since_epoch(packet.at)),
                                format_bytes(packet.bytes.len()),
                                packet_summary(&packet.bytes, version)
                            );
                            // One line each, cut to the panel (rows have one height).
                            let button = egui::Button::selectable(
                                self.selected == Some(index),
                                RichText::new(text).monospace(),
                            )
                            .truncate();
                            if ui.add(button).clicked() {
                                self.selected = Some(index);
                            }
                        }
                    });
            });
    }

    /// The selected packet's fields beside its bytes.
    fn selected_packet(
        &mut self,
        ui: &mut egui::Ui,
        model: &ConnectionModel,
        version: ProtocolVersion,
    ) {
        let Some(index) = self.selected.filter(|&i| i < model.packets.len()) else {
            ui.label(RichText::new(t!("Select a packet to see its fields.")).weak());
            return;
        };
        let packet = &model.packets[index];
        let key = micros_since_epoch(packet.at);
        if self
            .cached
            .as_ref()
            .is_none_or(|(i, at, _)| *i != index || *at != key)
        {
            self.cached = Some((index, key, inspect(&packet.bytes, version)));
        }
        let Some((_, _, inspection)) = &self.cached else {
            return;
        };
        self.hovered_field = show_inspection(ui, inspection, &packet.bytes, self.hovered_field);
    }
}

/// The type of the packet in `bytes`, from its first byte.
fn kind_of(bytes: &[u8]) -> Option<PacketType> {
    PacketType::from_u8(bytes.first().map_or(0, |b| b >> 4))
}

/// Draw the fields and the hex view; returns the field under the mouse.
pub fn show_inspection(
    ui: &mut egui::Ui,
    inspection: &Inspection,
    bytes: &[u8],
    hovered: Option<usize>,
) -> Option<usize> {
    let mut now_hovered = None;
    let highlighted = hovered
        .and_then(|i| inspection.fields.get(i))
        .map(|f| f.range.clone());
    ui.columns(2, |columns| {
        if let Some(index) = field_table(&mut columns[0], inspection, hovered) {
            now_hovered = Some(index);
        }
        if let Some(index) = hex_view(&mut columns[1], inspection, bytes, highlighted) {
            now_hovered = Some(index);
        }
    });
    now_hovered
}

/// The fields of the packet with their byte ranges; returns the one under the mouse.
fn field_table(
    ui: &mut egui::Ui,
    inspection: &Inspection,
    hovered: Option<usize>,
) -> Option<usize> {
    let mut now_hovered = None;
    let highlight = ui.visuals().selection.bg_fill;
    egui::ScrollArea::vertical()
        .id_salt("fields")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            egui::Grid::new("fields")
                .striped(true)
                .num_columns(3)
                .show(ui, |ui| {
                    ui.label(RichText::new(t!("Bytes")).weak());
                    ui.label(RichText::new(t!("Field")).weak());
                    ui.label(RichText::new(t!("Value")).weak());
                    ui.end_row();
                    for (index, field) in inspection.fields.iter().enumerate() {
                        let range = format!(
                            "{}–{}",
                            field.range.start,
                            field.range.end.saturating_sub(1)
                        );
                        let name =
                            format!("{}{}", "  ".repeat(field.depth.into()), tr(&field.name));
                        let mut text = RichText::new(name);
                        if hovered == Some(index) {
                            text = text.background_color(highlight);
                        }
                        let a = ui.label(RichText::new(range).monospace());
                        let b = ui.label(text);
                        let c = ui.label(RichText::new(&field.value).monospace());
                        if a.hovered() || b.hovered() || c.hovered() {
                            now_hovered = Some(index);
                        }
                        ui.end_row();
                    }
                });
            if let Some(error) = &inspection.error {
                ui.label(
                    RichText::new(t!(
                        "Stopped at byte %{offset}: %{error}",
                        offset = error.offset,
                        error = tr(&error.error.to_string())
                    ))
                    .color(ui.visuals().error_fg_color),
                );
            }
        });
    now_hovered
}

/// The bytes, 16 a row, with the hovered field highlighted; returns the
/// field of the byte under the mouse.
fn hex_view(
    ui: &mut egui::Ui,
    inspection: &Inspection,
    bytes: &[u8],
    highlighted: Option<std::ops::Range<usize>>,
) -> Option<usize> {
    let mut now_hovered = None;
    let highlight = ui.visuals().selection.bg_fill;
    let row_height = ui.text_style_height(&egui::TextStyle::Monospace);
    let rows = bytes.len().div_ceil(16);
    // Only the rows on screen are laid out: a 1 MiB packet has 65 536.
    egui::ScrollArea::vertical()
        .id_salt("hex")
        .show_rows(ui, row_height, rows, |ui, range| {
            for row in range {
                let chunk = &bytes[row * 16..(row * 16 + 16).min(bytes.len())];
                ui.horizontal(|ui| {
                    ui.spacing_mut().item_spacing.x = 4.0;
                    ui.label(
                        RichText::new(format!("{:04X}", row * 16))
                            .monospace()
                            .weak(),
                    );
                    for (column, byte) in chunk.iter().enumerate() {
                        let offset = row * 16 + column;
                        let shown = if inspection.is_secret(offset) {
                            "••".to_owned()
                        } else {
                            format!("{byte:02X}")
                        };
                        let mut text = RichText::new(shown).monospace();
                        if highlighted.as_ref().is_some_and(|r| r.contains(&offset)) {
                            text = text.background_color(highlight).color(Color32::WHITE);
                        } else if inspection
                            .error
                            .as_ref()
                            .is_some_and(|e| e.offset == offset)
                        {
                            text = text.color(ui.visuals().error_fg_color);
                        }
                        let response = ui.add(egui::Label::new(text).sense(Sense::hover()));
                        if response.hovered() {
                            now_hovered = inspection
                                .field_at(offset)
                                .and_then(|f| inspection.fields.iter().position(|g| g == f));
                        }
                    }
                });
            }
        });
    now_hovered
}
