//! The `mqscope` binary: the window, or `mqscope sub` / `mqscope pub` / `mqscope broker`.

use std::sync::Arc;

use clap::Parser as _;
use mqscope::app::instance::{self, InstanceRequest};
use mqscope::app::{Launch, MqscopeApp};
use mqscope::cli::{Cli, CliCommand, run_pub, run_sub};

/// The application id: the desktop file's name, its `StartupWMClass`, the
/// AppStream id and the Flatpak id.
const APP_ID: &str = "io.github.mqscope.Mqscope";
/// The icon the window shows (made from `assets/mqscope.svg` by `scripts/icons.sh`).
const ICON: &[u8] = include_bytes!("../assets/mqscope-256.png");

fn main() {
    // The CLI's messages follow the system's language; the window may
    // choose another in its settings.
    mqscope::language::set(mqscope::language::Language::from_system());
    // Help prints and exits 0; a wrong option exits 1, as mosquitto's
    // clients do (clap alone would exit 2).
    let cli = Cli::try_parse().unwrap_or_else(|error| {
        let code = if error.use_stderr() { 1 } else { 0 };
        let _ = error.print();
        std::process::exit(code);
    });
    let code = match cli.command {
        Some(CliCommand::Sub(args)) => run_sub(args),
        Some(CliCommand::Pub(args)) => run_pub(args),
        Some(CliCommand::Rr(args)) => mqscope::cli::run_rr(args),
        Some(CliCommand::Export(args)) => mqscope::cli::run_export(args),
        Some(CliCommand::Replay(args)) => mqscope::cli::run_replay(args),
        #[cfg(feature = "builtin-broker")]
        Some(CliCommand::Broker(args)) => mqscope::cli::run_broker(args),
        None => run_window(Launch {
            // A recording given by a relative path is named in full, so that
            // a window already running finds it too.
            connect: cli.url.or(cli.connect).map(|url| {
                let path = mqscope::net::file_url_path(&url).unwrap_or_else(|| url.clone().into());
                match path.canonicalize() {
                    Ok(path) if path.is_file() => path.display().to_string(),
                    _ => url,
                }
            }),
            subscribe: cli.subscribe,
            record_packets: cli.record_packets,
        }),
    };
    std::process::exit(code);
}

fn run_window(launch: Launch) -> i32 {
    // A window already runs: hand it the URL (or ask it to come forward).
    let request = match &launch.connect {
        Some(url) => InstanceRequest::Open {
            url: url.clone(),
            subscribe: launch.subscribe.clone(),
        },
        None => InstanceRequest::Raise,
    };
    if instance::hand_over(&instance::socket_path(), &request) {
        return 0;
    }
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("mqscope")
        .with_app_id(APP_ID)
        .with_inner_size([1280.0, 820.0])
        .with_min_inner_size([720.0, 480.0]);
    if let Ok(icon) = eframe::icon_data::from_png_bytes(ICON) {
        viewport = viewport.with_icon(Arc::new(icon));
    }
    let options = eframe::NativeOptions {
        viewport,
        // The settings stay where they were before the app id changed.
        persistence_path: eframe::storage_dir("mqscope").map(|dir| dir.join("app.ron")),
        ..Default::default()
    };
    match eframe::run_native(
        "mqscope",
        options,
        Box::new(|cc| {
            let mut app = MqscopeApp::new(cc);
            app.launch(launch);
            Ok(Box::new(app))
        }),
    ) {
        Ok(()) => 0,
        Err(error) => {
            eprintln!("mqscope: the window could not open: {error}");
            1
        }
    }
}
