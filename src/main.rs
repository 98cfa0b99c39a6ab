//! The `mqscope` binary: the window, or `mqscope sub` / `mqscope pub`.

use clap::Parser;
use mqscope::cli::{Cli, CliCommand, run_pub, run_sub};

fn main() {
    let cli = Cli::parse();
    let code = match cli.command {
        Some(CliCommand::Sub(args)) => run_sub(args),
        Some(CliCommand::Pub(args)) => run_pub(args),
        None => {
            println!(
                "mqscope {}: a native desktop MQTT 5 client.\n\
                 The desktop window is being built. Until then, use the headless commands:\n  \
                 mqscope sub -h HOST -t TOPIC     print messages as JSON lines\n  \
                 mqscope pub -h HOST -t TOPIC -m MESSAGE\n\
                 See `mqscope sub --help` and `mqscope pub --help`.",
                env!("CARGO_PKG_VERSION")
            );
            0
        }
    };
    std::process::exit(code);
}
