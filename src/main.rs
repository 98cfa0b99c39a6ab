//! The `mqscope` binary: the window, or `mqscope sub` / `mqscope pub` / `mqscope broker`.

use clap::Parser;
use mqscope::app::{Launch, MqscopeApp};
use mqscope::cli::{Cli, CliCommand, run_pub, run_sub};

fn main() {
    let cli = Cli::parse();
    let code = match cli.command {
        Some(CliCommand::Sub(args)) => run_sub(args),
        Some(CliCommand::Pub(args)) => run_pub(args),
        #[cfg(feature = "builtin-broker")]
        Some(CliCommand::Broker(args)) => mqscope::cli::run_broker(args),
        None => run_window(Launch {
            connect: cli.connect,
            subscribe: cli.subscribe,
            record_packets: cli.record_packets,
        }),
    };
    std::process::exit(code);
}

fn run_window(launch: Launch) -> i32 {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("mqscope")
            .with_app_id("mqscope")
            .with_inner_size([1280.0, 820.0])
            .with_min_inner_size([720.0, 480.0]),
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
